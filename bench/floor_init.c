/* SPDX-License-Identifier: MIT
 * floor_init -- COMMAND [ARG...]
 *
 * The least any init can do, built like tini-static and tend (static glibc): start COMMAND with
 * posix_spawn (a vfork-like clone, no page tables copied), wait for it, exit with its status.
 * No signal set-up, no option parsing, no reaping of others. Its start-up overhead is the floor
 * below which no static glibc init can go on this machine: exec, glibc's own start-up (CPU
 * feature detection, relocations) and exit. */
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 3) return 125;
  pid_t pid;
  if (posix_spawnp(&pid, argv[2], NULL, NULL, argv + 2, environ) != 0) return 127;
  int status;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
