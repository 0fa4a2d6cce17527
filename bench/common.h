/* SPDX-License-Identifier: MIT
 * Shared bits of the tend benchmark drivers: clocks, statistics, spawning, /proc readers.
 * Header-only on purpose: each driver is one `cc -O2 x.c` away. */
#ifndef TEND_BENCH_COMMON_H
#define TEND_BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static inline void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

static inline int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void sleep_ns(int64_t ns) {
  struct timespec ts = {ns / 1000000000, ns % 1000000000};
  while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
  }
}

static inline int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static inline int64_t percentile(const int64_t *sorted, int n, double p) {
  int idx = (int)((p * n) + 0.999999) - 1;
  if (idx < 0) idx = 0;
  if (idx >= n) idx = n - 1;
  return sorted[idx];
}

static inline double mean_of(const int64_t *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)v[i];
  return n ? s / n : 0;
}

/* Spawns argv with stdin/stdout/stderr from the given fds (-1: /dev/null).
 * posix_spawn uses clone(CLONE_VFORK) in glibc: the cheapest way to start a process. */
static inline pid_t spawn_cmd(char *const argv[], int in_fd, int out_fd, int err_fd) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int fds[3] = {in_fd, out_fd, err_fd};
  for (int i = 0; i < 3; i++) {
    if (fds[i] < 0)
      posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
    else if (fds[i] != i)
      posix_spawn_file_actions_adddup2(&fa, fds[i], i);
  }
  /* Start every target with a clean signal state, whatever the shell gave us. */
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) die("cannot spawn %s: %s", argv[0], strerror(rc));
  return pid;
}

/* waitpid with a deadline; returns 1 if reaped (status in *st), 0 on timeout. */
static inline int wait_timeout(pid_t pid, int *st, int64_t timeout_ns) {
  int64_t end = now_ns() + timeout_ns;
  for (;;) {
    pid_t r = waitpid(pid, st, WNOHANG);
    if (r == pid) return 1;
    if (r < 0 && errno != EINTR) return 1;
    if (now_ns() > end) return 0;
    sleep_ns(1000000);
  }
}

static inline int read_file(const char *path, char *buf, size_t len);

/* SIGKILL to pid if it is still our responder (checked by name, so that a pid reused by an
 * unrelated process is left alone). */
static inline void kill_responder(pid_t pid) {
  char path[64], comm[64];
  snprintf(path, sizeof path, "/proc/%d/comm", pid);
  if (pid > 0 && read_file(path, comm, sizeof comm) > 0 && strcmp(comm, "responder\n") == 0)
    kill(pid, SIGKILL);
}

/* Stops a spawned init the way the benchmark started it: `sig` (if any) to its pid, SIGKILL if
 * it does not go within 3 s; then makes sure its COMMAND, the responder, is gone too (an init
 * that crashed leaves it behind). */
static inline void stop_pid(pid_t pid, int sig, pid_t responder) {
  int st;
  if (sig) kill(pid, sig);
  if (!wait_timeout(pid, &st, 3000000000LL)) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
  }
  kill_responder(responder);
}

static inline int read_file(const char *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, len - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return (int)n;
}

/* Value of a "Key:   123 kB" line in /proc/<pid>/status or smaps_rollup; -1 if absent. */
static inline long long proc_field(const char *path, const char *key) {
  static char buf[16384];
  if (read_file(path, buf, sizeof buf) < 0) return -1;
  size_t kl = strlen(key);
  for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, key, kl) == 0 && p[kl] == ':') return atoll(p + kl + 1);
  return -1;
}

/* First child of pid (its only one, in our uses); 0 if none yet. */
static inline pid_t first_child(pid_t pid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
  if (read_file(path, buf, sizeof buf) <= 0) return 0;
  return (pid_t)atoi(buf);
}

#endif

/* The drivers talk to `responder` (the COMMAND under the init) through a FIFO that only the
 * responder opens for writing, after its exec: the init never holds it, so EOF on it means the
 * responder is dead. */

/* Opens `path` for reading and waits up to timeout_ns for the responder's hello (its pid).
 * Returns the fd (blocking, close-on-exec) and stores the pid; -1 on timeout. */
static inline int fifo_wait_hello(const char *path, int64_t timeout_ns, pid_t *pid) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("open %s: %s", path, strerror(errno));
  /* Until a writer has opened it, a FIFO polls neither readable nor hung up. */
  struct pollfd p = {fd, POLLIN, 0};
  int r;
  while ((r = poll(&p, 1, (int)(timeout_ns / 1000000))) < 0 && errno == EINTR) {
  }
  if (r != 1 || !(p.revents & POLLIN) || read(fd, pid, sizeof *pid) != sizeof *pid) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/* Waits up to timeout_ns for fd to be readable (or at EOF). 1 if so, 0 on timeout. */
static inline int wait_readable(int fd, int64_t timeout_ns) {
  struct pollfd p = {fd, POLLIN, 0};
  int r;
  while ((r = poll(&p, 1, (int)(timeout_ns / 1000000))) < 0 && errno == EINTR) {
  }
  return r == 1;
}
