// SPDX-License-Identifier: MIT
// step-trace OUT PROGRAM [ARG...]: runs PROGRAM as PID 1 of a new PID and mount namespace (with
// its own /proc) and single-steps it with ptrace, writing every instruction address it executes
// to OUT as "I  ADDRESS,0" lines (Lackey's format). Unlike Valgrind this is the real CPU, so it
// sees the string functions glibc picks for this CPU and the vDSO set-up. Signals are passed on.
// Used by scripts/hot-symbols.sh only (x86-64).
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s OUT PROGRAM [ARG...]\n", argv[0]);
    return 2;
  }
  FILE* out = fopen(argv[1], "w");
  if (!out || unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
    perror("step-trace");
    return 2;
  }
  pid_t child = fork();
  if (child == 0) {
    // PID 1 of the new namespace, as under `unshare --pid --fork --mount-proc`.
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0 ||
        ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
      perror("step-trace child");
      _exit(2);
    }
    execv(argv[2], argv + 2);
    perror("step-trace exec");
    _exit(2);
  }
  int status;
  waitpid(child, &status, 0);  // stopped at the exec
  ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_EXITKILL);
  int signal_to_pass = 0;
  for (;;) {
    if (ptrace(PTRACE_SINGLESTEP, child, 0, signal_to_pass) != 0) break;
    if (waitpid(child, &status, 0) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) break;
    signal_to_pass = WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP ? WSTOPSIG(status) : 0;
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, child, 0, &regs) == 0) fprintf(out, "I  %llx,0\n", regs.rip);
  }
  fclose(out);
  return 0;
}
