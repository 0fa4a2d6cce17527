/* SPDX-License-Identifier: MIT
 * orphans MODE N — run as COMMAND under an init that is PID 1 of a fresh PID namespace
 * (`unshare --pid --fork --mount-proc INIT -- orphans live 10000`). A child of ours forks N
 * grandchildren; the init under test has to reap all of them. Two ways to make the burst:
 *
 *   live     The child exits first, so the N grandchildren (blocked reading a "go" pipe) are
 *            orphans re-parented to PID 1; then we close the go pipe and all N exit at once.
 *            The init reaps while they are still exiting: realistic, but its cost depends on
 *            how often it catches up with the exits and goes back to sleep (each waitpid(-1)
 *            that finds nothing walks every live child), so it varies a lot from run to run.
 *   zombies  The N grandchildren exit first and stay unreaped zombies of the child; then the
 *            child exits and PID 1 inherits N zombies at once. No race with the exits: this
 *            measures the init's own cost per reaped child, and is repeatable. (The init and
 *            the child are pinned to one CPU for the burst: see below.)
 *
 * The clock starts just before we release the burst (close the go pipe / tell the child to
 * exit) and stops when all N pids are gone: kill(pid, 0) fails with ESRCH only once the zombie
 * has been reaped, and nothing else forks meanwhile, so no pid can be reused.
 *
 * The init's CPU time over that same window is the sum over PID 1's threads of the first field
 * of /proc/1/task/T/schedstat (ns on CPU, user + system, as accounted by the scheduler); if
 * schedstat is missing, utime+stime from /proc/1/stat (clock ticks: 10 ms resolution). The
 * init's start-up, the forking phase and its exit are not counted.
 *
 * Prints "wall_ns=.. cpu_ns=.. cpu_src=.. hwm_kb=.. rss_kb=.. left=..": hwm/rss are PID 1's
 * VmHWM/VmRSS afterwards; left = processes other than PID 1 and us still there (should be 0). */
#include "common.h" /* first: it defines _GNU_SOURCE */

#include <dirent.h>
#include <sched.h>
#include <sys/mman.h>

static const char *cpu_src = "schedstat";

static long long init_cpu_ns(void) {
  DIR *d = opendir("/proc/1/task");
  if (!d) die("cannot open /proc/1/task: %s (is /proc mounted for this namespace?)", strerror(errno));
  long long sum = 0;
  int have_schedstat = 1;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      char path[300], buf[256];
      snprintf(path, sizeof path, "/proc/1/task/%s/schedstat", e->d_name);
      if (read_file(path, buf, sizeof buf) < 0) {
        have_schedstat = 0;
        break;
      }
      sum += atoll(buf);
    }
  closedir(d);
  if (have_schedstat) return sum;
  cpu_src = "stat";
  char buf[4096];
  if (read_file("/proc/1/stat", buf, sizeof buf) < 0) die("cannot read /proc/1/stat");
  char *p = strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  /* fields after ") ": 3 state ... 14 utime 15 stime */
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
    die("cannot parse /proc/1/stat");
  return (long long)(ut + st) * (1000000000LL / sysconf(_SC_CLK_TCK));
}

static int others_in_namespace(void) {
  DIR *d = opendir("/proc");
  int n = 0;
  struct dirent *e;
  pid_t me = getpid();
  while (d && (e = readdir(d))) {
    int pid = atoi(e->d_name);
    if (pid > 0 && pid != 1 && pid != me) n++;
  }
  if (d) closedir(d);
  return n;
}

static void read_to_eof(int fd) {
  char c;
  ssize_t r;
  while ((r = read(fd, &c, 1)) != 0)
    if (r < 0 && errno != EINTR) break;
}

/* The child: forks n grandchildren into pids[], then exits at once (live mode), or reports on
 * `ready` that all n are zombies and exits when told to (zombies mode). go: the grandchildren
 * (live) or the child (zombies) wait for its EOF. */
static void run_child(int live, int n, pid_t *pids, int go[2], int ready) {
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p < 0) {
      fprintf(stderr, "bench: fork of orphan %d failed: %s\n", i, strerror(errno));
      _exit(3);
    }
    if (p == 0) {
      if (live) {
        close(go[1]);
        read_to_eof(go[0]);
      }
      _exit(0);
    }
    pids[i] = p;
  }
  if (live) _exit(0); /* orphans the n live grandchildren: they go to PID 1 */
  /* zombies: make sure every grandchild is a zombie, then wait for the go and exit */
  for (int i = 0; i < n; i++) {
    siginfo_t si;
    while (waitid(P_PID, pids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
    }
  }
  close(go[1]);
  if (write(ready, "z", 1) != 1) _exit(3);
  read_to_eof(go[0]);
  _exit(0); /* PID 1 inherits n zombies at once */
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "live") && strcmp(argv[1], "zombies")))
    die("usage: orphans live|zombies N");
  int live = strcmp(argv[1], "live") == 0;
  int n = atoi(argv[2]);
  if (getpid() == 1) die("orphans must run under an init, not as PID 1");
  if (n <= 0) die("N must be positive");
  pid_t *pids = mmap(NULL, sizeof(pid_t) * (size_t)n, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (pids == MAP_FAILED) die("mmap: %s", strerror(errno));
  int go[2], ready[2];
  if (pipe(go) < 0 || pipe(ready) < 0) die("pipe: %s", strerror(errno));

  pid_t child = fork();
  if (child < 0) die("fork: %s", strerror(errno));
  if (child == 0) {
    close(ready[0]);
    run_child(live, n, pids, go, ready[1]);
  }
  close(go[0]);
  close(ready[1]);
  int st;
  if (live) {
    if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      die("forking %d orphans failed", n);
  } else {
    char c;
    if (read(ready[0], &c, 1) != 1) die("forking %d zombies failed", n);
  }

  /* zombies: the init and the exiting child share one CPU, so that the init cannot start
   * reaping (and spin on the kernel's tasklist lock) while the child is still handing it the
   * zombies; we poll from another CPU. The init's affinity is restored afterwards. */
  cpu_set_t init_cpus;
  int pinned = 0;
  if (!live && sched_getaffinity(1, sizeof init_cpus, &init_cpus) == 0) {
    int first = -1, second = -1;
    for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
      if (CPU_ISSET(c, &init_cpus)) *(first < 0 ? &first : &second) = c;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    pinned = sched_setaffinity(1, sizeof one, &one) == 0 && sched_setaffinity(child, sizeof one, &one) == 0;
    if (pinned && second >= 0) {
      CPU_ZERO(&one);
      CPU_SET(second, &one);
      sched_setaffinity(0, sizeof one, &one);
    }
  }
  long long cpu0 = init_cpu_ns();
  int64_t t0 = now_ns();
  close(go[1]); /* release the burst */
  if (!live && (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
    die("child failed");
  int64_t deadline = t0 + 60 * 1000000000LL;
  for (int i = 0; i < n;) {
    if (kill(pids[i], 0) == -1 && errno == ESRCH) {
      i++;
      continue;
    }
    if (now_ns() > deadline) {
      printf("timeout reaped=%d of %d\n", i, n);
      return 1;
    }
    sleep_ns(200000); /* 0.2 ms: precise enough, and leaves the CPUs to the init */
  }
  int64_t t1 = now_ns();
  long long cpu1 = init_cpu_ns();
  if (pinned) sched_setaffinity(1, sizeof init_cpus, &init_cpus);
  printf("wall_ns=%lld cpu_ns=%lld cpu_src=%s hwm_kb=%lld rss_kb=%lld left=%d\n",
         (long long)(t1 - t0), cpu1 - cpu0, cpu_src, proc_field("/proc/1/status", "VmHWM"),
         proc_field("/proc/1/status", "VmRSS"), others_in_namespace());
  fflush(stdout);
  return 0;
}
