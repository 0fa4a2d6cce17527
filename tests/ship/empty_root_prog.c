// SPDX-License-Identifier: MIT
// COMMAND of the empty-root test, built static: checks that it runs as pid 2 with tend as its
// parent (pid 1), that an orphan it leaves is reaped by tend, then leaves a child behind for
// tend's cleanup and exits 7. With the argument "ids" it prints its user and group ids instead.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char* what) {
  printf("prog: FAIL: %s\n", what);
  _exit(1);
}

/// Forks a child that forks a grandchild and exits at once: the grandchild is handed to pid 1.
/// Returns the grandchild's pid; it exits as soon as it has been adopted.
static pid_t leave_orphan(void) {
  int fds[2];
  if (pipe(fds) != 0) fail("pipe");
  pid_t middle = fork();
  if (middle < 0) fail("fork");
  if (middle == 0) {
    pid_t orphan = fork();
    if (orphan == 0) {
      while (getppid() != 1) usleep(1000);
      _exit(0);
    }
    if (write(fds[1], &orphan, sizeof orphan) != sizeof orphan) _exit(1);
    _exit(0);
  }
  pid_t orphan = 0;
  if (read(fds[0], &orphan, sizeof orphan) != sizeof orphan) fail("no pid from the middle child");
  waitpid(middle, NULL, 0);
  return orphan;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "ids") == 0) {
    printf("prog: uid %d gid %d\n", (int)getuid(), (int)getgid());
    return 0;
  }
  printf("prog: pid %d, parent %d\n", (int)getpid(), (int)getppid());
  if (getpid() != 2 || getppid() != 1) fail("expected pid 2 with tend as parent, pid 1");

  pid_t orphan = leave_orphan();
  // A zombie still answers kill(pid, 0); only once tend has reaped it does ESRCH come back.
  for (int i = 0; i < 5000 && kill(orphan, 0) == 0; ++i) usleep(1000);
  if (kill(orphan, 0) == 0 || errno != ESRCH) fail("the orphan was not reaped within 5 s");
  printf("prog: orphan %d was reaped\n", (int)orphan);

  pid_t leftover = fork();
  if (leftover == 0) {
    for (;;) pause();
  }
  printf("prog: exiting 7, leaving child %d behind\n", (int)leftover);
  return 7;
}
