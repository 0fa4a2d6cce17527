/* SPDX-License-Identifier: MIT
 * escalate RUNS GRACE_MS FIFO CMD [ARG...]
 *
 * How late the escalation SIGKILL lands. CMD is `tend -t GRACE_MS ms -- responder ignterm
 * FIFO`: the responder ignores SIGTERM, so tend has to SIGKILL it when the grace period is over.
 * Each run: wait for the responder's hello, t0 = CLOCK_MONOTONIC, kill(tend, SIGTERM), block
 * until EOF on FIFO (the responder is the only writer: EOF = it is dead), t1.
 * lateness = t1 - (t0 + GRACE_MS). It includes tend taking the SIGTERM and arming its timer, the
 * timer firing, the kill() and the responder's death; our own wake-up on EOF is in it too.
 *
 * Prints "p50_ns=.. max_ns=.. min_ns=.. mean_ns=.." (lateness; negative = early). */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 5) die("usage: escalate RUNS GRACE_MS FIFO CMD...");
  int runs = atoi(argv[1]);
  int64_t grace = atoll(argv[2]) * 1000000;
  const char *fifo = argv[3];
  int64_t *late = calloc((size_t)runs, sizeof *late);
  for (int r = 0; r < runs; r++) {
    unlink(fifo);
    if (mkfifo(fifo, 0600) < 0) die("mkfifo %s: %s", fifo, strerror(errno));
    pid_t pid = spawn_cmd(&argv[4], -1, -1, 2), responder = 0;
    int fd = fifo_wait_hello(fifo, 5000000000LL, &responder);
    if (fd < 0) {
      stop_pid(pid, SIGKILL, 0);
      die("%s: no hello from responder within 5 s", argv[4]);
    }
    char c;
    int64_t t0 = now_ns();
    kill(pid, SIGTERM);
    if (!wait_readable(fd, grace + 5000000000LL) || read(fd, &c, 1) != 0) {
      stop_pid(pid, SIGKILL, responder);
      die("%s: COMMAND still alive 5 s after the grace period", argv[4]);
    }
    late[r] = now_ns() - t0 - grace;
    stop_pid(pid, 0, responder);
    close(fd);
  }
  unlink(fifo);
  qsort(late, runs, sizeof *late, cmp_i64);
  printf("p50_ns=%lld max_ns=%lld min_ns=%lld mean_ns=%.0f\n", (long long)percentile(late, runs, 0.5),
         (long long)late[runs - 1], (long long)late[0], mean_of(late, runs));
  return 0;
}
