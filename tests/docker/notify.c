// SPDX-License-Identifier: MIT
// A tiny static sd_notify client for the Docker images: sends its argument (e.g. READY=1) to
// $NOTIFY_SOCKET, which may be an abstract name ("@..."), as systemd-notify would.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* path = getenv("NOTIFY_SOCKET");
  if (argc != 2 || path == NULL || path[0] == '\0') {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH notify TEXT\n");
    return 2;
  }
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  size_t length = strlen(path);
  if (length >= sizeof(address.sun_path)) {
    fprintf(stderr, "notify: cannot use '%s': name too long\n", path);
    return 2;
  }
  memcpy(address.sun_path, path, length);
  // An abstract name starts with a NUL byte on the wire; "@" stands for it.
  if (path[0] == '@') address.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
  if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr*)&address, size) < 0) {
    perror("notify: cannot send");
    return 1;
  }
  close(fd);
  return 0;
}
