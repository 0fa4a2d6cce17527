/* SPDX-License-Identifier: MIT
 * floor_supervisor -- COMMAND [ARG...]
 *
 * The least a supervisor with tend's guarantees does to start COMMAND and see it end, built like
 * floor_init.c (static glibc) and written as plain C: no option parsing, no logging, no
 * allocation. Each step is one tend cannot leave out:
 *   - read the 64 signal dispositions it inherited, so that COMMAND gets the same ones;
 *   - block every signal and take them from a signalfd, watched by epoll with the other events;
 *   - become child subreaper, so that the subtree's orphans come back to it;
 *   - bind a notify socket (NOTIFY_SOCKET) and watch it;
 *   - start COMMAND in a process group of its own with the inherited mask;
 *   - sleep in epoll until SIGCHLD, reap, exit with COMMAND's status.
 * Its start-up overhead, next to floor_init's, is what these steps cost on this machine: the
 * floor of tend's own start-up, whatever language it is written in. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int watch(int epoll, int fd) {
  struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
  return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

static int bind_notify_socket(void) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int on = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) return -1;
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  /* Abstract: sun_path[0] stays 0. */
  int length = snprintf(address.sun_path + 1, sizeof address.sun_path - 1, "floor/%d", getpid());
  socklen_t size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)length);
  return bind(fd, (struct sockaddr *)&address, size) == 0 ? fd : -1;
}

int main(int argc, char **argv) {
  if (argc < 3) return 125;
  sigset_t inherited_mask, ignored, all;
  sigprocmask(SIG_SETMASK, NULL, &inherited_mask);
  sigemptyset(&ignored);
  for (int signo = 1; signo <= 64; ++signo) {
    struct sigaction action;
    if (sigaction(signo, NULL, &action) == 0 && action.sa_handler == SIG_IGN) sigaddset(&ignored, signo);
  }
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  int epoll = epoll_create1(EPOLL_CLOEXEC);
  int signals = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
  if (epoll < 0 || signals < 0 || watch(epoll, signals) != 0) return 125;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return 125;
  int notify = bind_notify_socket();
  if (notify < 0 || watch(epoll, notify) != 0) return 125;

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setsigmask(&attributes, &inherited_mask);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  pid_t command;
  if (posix_spawnp(&command, argv[2], NULL, &attributes, argv + 2, environ) != 0) return 127;

  for (;;) {
    struct epoll_event event;
    if (epoll_wait(epoll, &event, 1, -1) != 1) continue;
    struct signalfd_siginfo received;
    if (event.data.fd != signals || read(signals, &received, sizeof received) <= 0) continue;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == command) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
}
