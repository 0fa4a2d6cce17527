/* SPDX-License-Identifier: MIT
 * idle SECONDS CMD1 [ARG...] [::: CMD2 [ARG...]]...
 *
 * Each CMD is `unshare --pid --fork --mount-proc INIT -- sleep 1000`; the process measured is
 * the init, i.e. unshare's only child (PID 1 of its namespace). All commands run side by side:
 * once every init has started `sleep` (its child's comm reads "sleep") and a short settle time
 * has passed, we read each init's voluntary_ctxt_switches + nonvoluntary_ctxt_switches from
 * /proc/PID/status, wait SECONDS, and read them again; the difference is how often the init was
 * scheduled in while nothing happened. Then VmRSS (status) and Pss (smaps_rollup) are read.
 * Finally each init gets SIGTERM (SIGKILL if it does not end with its sleep) and unshare is reaped.
 *
 * Prints one line per command: "<index> wakeups=.. rss_kb=.. pss_kb=..", then "busy_pct=..":
 * how busy all CPUs were during the window (from /proc/stat). Nothing of ours runs then, so it
 * is the background load the other measurements had to share the machine with. */
#include "common.h"

#define MAX_CMDS 16

static long long ctxt_switches(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  long long v = proc_field(path, "voluntary_ctxt_switches");
  long long nv = proc_field(path, "nonvoluntary_ctxt_switches");
  return v < 0 || nv < 0 ? -1 : v + nv;
}

/* Total and idle (idle + iowait) jiffies of all CPUs, from the first line of /proc/stat. */
static void cpu_jiffies(unsigned long long *total, unsigned long long *idle) {
  char buf[512];
  unsigned long long v[8] = {0};
  *total = *idle = 0;
  if (read_file("/proc/stat", buf, sizeof buf) < 0) return;
  sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
         &v[5], &v[6], &v[7]);
  for (int i = 0; i < 8; i++) *total += v[i];
  *idle = v[3] + v[4];
}

static int runs_sleep(pid_t init) {
  pid_t c = first_child(init);
  char path[64], comm[64];
  snprintf(path, sizeof path, "/proc/%d/comm", c);
  return c > 0 && read_file(path, comm, sizeof comm) > 0 && strcmp(comm, "sleep\n") == 0;
}

int main(int argc, char **argv) {
  if (argc < 3) die("usage: idle SECONDS CMD... [::: CMD...]...");
  double seconds = atof(argv[1]);
  char **cmds[MAX_CMDS];
  pid_t outer[MAX_CMDS], init[MAX_CMDS];
  long long c0[MAX_CMDS];
  int ncmd = 0;
  cmds[ncmd++] = &argv[2];
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], ":::") == 0) {
      argv[i] = NULL;
      if (ncmd == MAX_CMDS) die("too many commands");
      cmds[ncmd++] = &argv[i + 1];
    }
  for (int c = 0; c < ncmd; c++) {
    outer[c] = spawn_cmd(cmds[c], -1, -1, 2);
    init[c] = 0;
  }
  int64_t deadline = now_ns() + 10 * 1000000000LL;
  for (int c = 0; c < ncmd; c++) {
    while (!(init[c] = first_child(outer[c])) || !runs_sleep(init[c])) {
      if (now_ns() > deadline) {
        for (int k = 0; k < ncmd; k++) stop_pid(outer[k], SIGKILL, 0);
        const char *name = cmds[c][0];
        for (int k = 1; cmds[c][k]; k++)
          if (strcmp(cmds[c][k], "--") == 0) name = cmds[c][k - 1];
        die("%s did not start sleep within 10 s", name);
      }
      sleep_ns(5000000);
    }
  }
  sleep_ns(300000000); /* settle: let start-up work (and any lazy set-up) finish */
  unsigned long long tot0, idle0, tot1, idle1;
  cpu_jiffies(&tot0, &idle0);
  for (int c = 0; c < ncmd; c++) c0[c] = ctxt_switches(init[c]);
  sleep_ns((int64_t)(seconds * 1e9));
  cpu_jiffies(&tot1, &idle1);
  for (int c = 0; c < ncmd; c++) {
    long long c1 = ctxt_switches(init[c]);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", init[c]);
    long long rss = proc_field(path, "VmRSS");
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", init[c]);
    long long pss = proc_field(path, "Pss");
    printf("%d wakeups=%lld rss_kb=%lld pss_kb=%lld\n", c, c0[c] < 0 || c1 < 0 ? -1 : c1 - c0[c], rss,
           pss);
  }
  printf("busy_pct=%.0f\n",
         tot1 > tot0 ? 100.0 * (double)((tot1 - tot0) - (idle1 - idle0)) / (double)(tot1 - tot0) : -1.0);
  /* SIGTERM goes on to sleep, and the init exits with it; SIGKILL if not: PID 1 of the
   * namespace takes everything in it along. */
  for (int c = 0; c < ncmd; c++) kill(init[c], SIGTERM);
  for (int c = 0; c < ncmd; c++) {
    int st;
    if (!wait_timeout(outer[c], &st, 3000000000LL)) {
      kill(init[c], SIGKILL);
      waitpid(outer[c], &st, 0);
    }
  }
  return 0;
}
