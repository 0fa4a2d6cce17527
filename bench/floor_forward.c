/* SPDX-License-Identifier: MIT
 * floor_forward group|session -- COMMAND [ARG...]
 *
 * The least a forwarding init can do per signal: every signal blocked, taken with sigwaitinfo,
 * sent on with kill(-group); SIGCHLD ends it once COMMAND is gone. COMMAND starts in a process
 * group of its own inside the forwarder's session ("group": what tend, tini -g and catatonit -g
 * do) or in a new session ("session": what dumb-init does by default). Comparing the two shows
 * how much of a forwarding latency is the scheduler's doing: with autogroups on, a new session
 * is a scheduling group of its own, and its woken process preempts the forwarder at once. */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 4 || strcmp(argv[2], "--") != 0) die("usage: floor_forward group|session -- CMD...");
  int new_session = strcmp(argv[1], "session") == 0;
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                      (new_session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP));
  pid_t child;
  if (posix_spawnp(&child, argv[3], NULL, &attr, argv + 3, environ) != 0) die("cannot run %s", argv[3]);
  for (;;) {
    siginfo_t info;
    if (sigwaitinfo(&all, &info) < 0) continue;
    if (info.si_signo != SIGCHLD) {
      kill(-child, info.si_signo);
      continue;
    }
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0) {
    }
    if (kill(child, 0) < 0 && errno == ESRCH) return 0;
  }
}
