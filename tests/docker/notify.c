// SPDX-License-Identifier: MIT
// A tiny static sd_notify client for the Docker images, sending like systemd-notify: TEXT
// (e.g. READY=1) to $NOTIFY_SOCKET, an abstract name when it starts with "@"; then BARRIER=1
// with a pipe's write end attached, and waits until the receiver has closed that end. The
// receiver has then handled TEXT, while this process still lived to be checked as its sender.
#define _GNU_SOURCE  // pipe2
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { kBarrierTimeoutMs = 5000 };

static int send_text(int fd, const char* text, int fd_to_pass) {
  struct iovec data = {.iov_base = (void*)text, .iov_len = strlen(text)};
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr message = {.msg_iov = &data, .msg_iovlen = 1};
  if (fd_to_pass >= 0) {
    memset(&control, 0, sizeof control);
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd_to_pass, sizeof(int));
  }
  return sendmsg(fd, &message, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static int connect_to(const char* path) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  size_t length = strlen(path);
  if (length >= sizeof(address.sun_path)) return -1;
  memcpy(address.sun_path, path, length);
  // An abstract name starts with a NUL byte on the wire; "@" stands for it.
  if (path[0] == '@') address.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
  if (fd < 0 || connect(fd, (struct sockaddr*)&address, size) < 0) return -1;
  return fd;
}

static int wait_for_barrier(int fd) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) < 0) return -1;
  int sent = send_text(fd, "BARRIER=1", pipe_fds[1]);
  close(pipe_fds[1]);
  struct pollfd hangup = {.fd = pipe_fds[0], .events = 0};
  if (sent < 0 || poll(&hangup, 1, kBarrierTimeoutMs) != 1) return -1;
  return 0;
}

int main(int argc, char** argv) {
  const char* path = getenv("NOTIFY_SOCKET");
  // --exit-at-once: send and exit, as socat or a one-line script does, with no barrier.
  int at_once = argc == 3 && strcmp(argv[1], "--exit-at-once") == 0;
  if (argc != 2 + at_once || path == NULL || path[0] == '\0') {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH notify [--exit-at-once] TEXT\n");
    return 2;
  }
  int fd = connect_to(path);
  if (fd < 0 || send_text(fd, argv[1 + at_once], -1) < 0) {
    perror("notify: cannot send");
    return 1;
  }
  if (at_once) return 0;
  if (wait_for_barrier(fd) < 0) {
    fprintf(stderr, "notify: the receiver did not close the barrier's pipe\n");
    return 1;
  }
  return 0;
}
