// SPDX-License-Identifier: MIT
// Starting COMMAND: fork, set the child up, exec, and report an exec failure through a pipe.
#include "sys/spawn.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace tend {
namespace {

struct ChildFailure {
  int stage;
  int error;
};

/// Runs in the child: no allocation, no logging, no exceptions, never returns.
[[noreturn]] void become_command(const SpawnRequest& request, char* const* argv, int report_fd) {
  auto fail = [report_fd](SpawnStage stage) {
    ChildFailure failure{static_cast<int>(stage), errno};
    ssize_t ignored = write(report_fd, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
  };
  if (request.new_process_group && setpgid(0, 0) != 0) fail(SpawnStage::kSetup);
  if (request.foreground_tty >= 0 && tcsetpgrp(request.foreground_tty, getpgrp()) != 0) {
    fail(SpawnStage::kSetup);
  }
  request.signals->restore();
  execvp(argv[0], argv);
  fail(SpawnStage::kExec);
  _exit(127);
}

}  // namespace

SpawnResult spawn(const SpawnRequest& request) {
  std::vector<char*> argv;
  for (const auto& arg : request.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  Pipe report = make_pipe();
  if (!report.read_end.is_open()) return {-1, errno, SpawnStage::kFork};
  pid_t pid = fork();
  if (pid < 0) return {-1, errno, SpawnStage::kFork};
  if (pid == 0) become_command(request, argv.data(), report.write_end.get());

  // Also set the group from this side, so that it exists before tend forwards a signal to it.
  if (request.new_process_group) setpgid(pid, pid);
  report.write_end.reset();
  ChildFailure failure{};
  ssize_t got;
  do {
    got = read(report.read_end.get(), &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof failure)) return {pid, 0, SpawnStage::kExec};
  return {pid, failure.error, static_cast<SpawnStage>(failure.stage)};
}

}  // namespace tend
