/* SPDX-License-Identifier: MIT
 * startup RUNS WARMUP CMD1 [ARG...] [::: CMD2 [ARG...]]...
 *
 * Wall time of spawn + exit + waitpid of each command, RUNS times after WARMUP untimed runs.
 * The commands are interleaved round by round, so that drift (CPU frequency, page cache, other
 * load) spreads over all of them alike, in a new random order each round: what a command leaves
 * behind as it ends (deferred frees, RCU callbacks) slows the next one, and in a fixed order the
 * same command would always pay for the same predecessor. stdio of the commands is /dev/null.
 * Prints one line per command: "<index> mean_ns=.. median_ns=.. min_ns=.. p90_ns=..", or
 * "<index> failed" if it ever exited with a status other than 0 (then we exit 1). */
#include "common.h"

#define MAX_CMDS 16

int main(int argc, char **argv) {
  if (argc < 4) die("usage: startup RUNS WARMUP CMD... [::: CMD...]...");
  int runs = atoi(argv[1]), warmup = atoi(argv[2]);
  char **cmds[MAX_CMDS];
  int ncmd = 0;
  cmds[ncmd++] = &argv[3];
  for (int i = 3; i < argc; i++)
    if (strcmp(argv[i], ":::") == 0) {
      argv[i] = NULL;
      if (ncmd == MAX_CMDS) die("too many commands");
      cmds[ncmd++] = &argv[i + 1];
    }
  int64_t *t = calloc((size_t)ncmd * runs, sizeof *t);
  int failed[MAX_CMDS] = {0};
  int order[MAX_CMDS];
  for (int c = 0; c < ncmd; c++) order[c] = c;
  srandom(1);  /* The same sequence of orders in every run of the bench. */
  for (int r = -warmup; r < runs; r++) {
    for (int i = ncmd - 1; i > 0; i--) { /* Fisher-Yates */
      int j = (int)(random() % (i + 1)), swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    for (int k = 0; k < ncmd; k++) {
      int c = order[k];
      if (failed[c]) continue;
      int st;
      int64_t t0 = now_ns();
      pid_t pid = spawn_cmd(cmds[c], -1, -1, -1);
      if (waitpid(pid, &st, 0) != pid) die("waitpid: %s", strerror(errno));
      int64_t t1 = now_ns();
      if (WIFSIGNALED(st) || WEXITSTATUS(st) != 0) {
        /* A broken command is left out of the following rounds; the others go on. */
        failed[c] = 1;
        if (WIFSIGNALED(st))
          fprintf(stderr, "bench: %s was killed by signal %d (%s)\n", cmds[c][0], WTERMSIG(st),
                  strsignal(WTERMSIG(st)));
        else
          fprintf(stderr, "bench: %s exited with status %d\n", cmds[c][0], WEXITSTATUS(st));
      }
      if (r >= 0) t[c * runs + r] = t1 - t0;
    }
  }
  int rc = 0;
  for (int c = 0; c < ncmd; c++) {
    if (failed[c]) {
      printf("%d failed\n", c);
      rc = 1;
      continue;
    }
    int64_t *v = &t[c * runs];
    qsort(v, runs, sizeof *v, cmp_i64);
    printf("%d mean_ns=%.0f median_ns=%lld min_ns=%lld p90_ns=%lld\n", c, mean_of(v, runs),
           (long long)percentile(v, runs, 0.5), (long long)v[0], (long long)percentile(v, runs, 0.9));
  }
  return rc;
}
