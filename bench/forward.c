/* SPDX-License-Identifier: MIT
 * forward N WARMUP FIFO CMD [ARG...]
 *
 * Signal forwarding latency. CMD is `INIT -- responder echo FIFO` (or just `responder echo
 * FIFO`, for the floor without an init). For each of WARMUP + N rounds: t0 = CLOCK_MONOTONIC,
 * kill(CMD's pid, SIGUSR1), block until the responder's one-byte answer arrives on FIFO, t1.
 * One signal in flight at a time, so none can merge. The latency t1 - t0 covers: the init
 * waking up and taking the signal, its kill() towards COMMAND, the responder's sigwaitinfo and
 * write, and our wake-up (the last three are in the floor too).
 *
 * Prints "p50_ns=.. p99_ns=.. mean_ns=.. max_ns=..". */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 5) die("usage: forward N WARMUP FIFO CMD...");
  int n = atoi(argv[1]), warmup = atoi(argv[2]);
  const char *fifo = argv[3];
  unlink(fifo);
  if (mkfifo(fifo, 0600) < 0) die("mkfifo %s: %s", fifo, strerror(errno));
  pid_t pid = spawn_cmd(&argv[4], -1, -1, 2), responder = 0;
  int fd = fifo_wait_hello(fifo, 5000000000LL, &responder);
  if (fd < 0) {
    stop_pid(pid, SIGKILL, 0);
    die("%s: no hello from responder within 5 s", argv[4]);
  }
  int64_t *t = calloc((size_t)n, sizeof *t);
  for (int i = -warmup; i < n; i++) {
    char c;
    int64_t t0 = now_ns();
    kill(pid, SIGUSR1);
    if (!wait_readable(fd, 5000000000LL) || read(fd, &c, 1) != 1) {
      stop_pid(pid, SIGKILL, responder);
      die("%s: signal %d was not answered within 5 s", argv[4], i + warmup + 1);
    }
    int64_t t1 = now_ns();
    if (i >= 0) t[i] = t1 - t0;
  }
  stop_pid(pid, SIGTERM, responder);
  close(fd);
  unlink(fifo);
  qsort(t, n, sizeof *t, cmp_i64);
  printf("p50_ns=%lld p99_ns=%lld mean_ns=%.0f max_ns=%lld\n", (long long)percentile(t, n, 0.5),
         (long long)percentile(t, n, 0.99), mean_of(t, n), (long long)t[n - 1]);
  return 0;
}
