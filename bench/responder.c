/* SPDX-License-Identifier: MIT
 * responder echo FIFO      (signal forwarding latency)
 * responder ignterm FIFO   (escalation timing)
 *
 * The COMMAND that runs under the init. It opens FIFO for writing (the driver holds the read
 * end) and writes its pid as a hello. Then:
 *   echo     SIGUSR1 is blocked and taken with sigwaitinfo; each one is answered with one byte
 *            on the FIFO. SIGTERM/SIGINT (also blocked and waited for) make it exit 0.
 *   ignterm  SIGTERM is ignored; it sleeps until killed. Its death closes the FIFO: the driver
 *            sees EOF at the moment the SIGKILL has landed. */
#include "common.h"

int main(int argc, char **argv) {
  if (argc != 3) die("usage: responder echo|ignterm FIFO");
  int echo = strcmp(argv[1], "echo") == 0;
  sigset_t set;
  sigemptyset(&set);
  if (echo) {
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
  } else {
    signal(SIGTERM, SIG_IGN);
  }
  int fd = open(argv[2], O_WRONLY | O_CLOEXEC);
  if (fd < 0) die("open %s: %s", argv[2], strerror(errno));
  pid_t me = getpid();
  if (write(fd, &me, sizeof me) != sizeof me) die("write: %s", strerror(errno));
  if (!echo)
    for (;;) pause();
  for (;;) {
    int sig = sigwaitinfo(&set, NULL);
    if (sig == SIGUSR1) {
      if (write(fd, "s", 1) != 1) return 1;
    } else if (sig > 0) {
      return 0;
    }
  }
}
