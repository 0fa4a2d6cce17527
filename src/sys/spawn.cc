// SPDX-License-Identifier: MIT
// Starting COMMAND: fork, set the child up, exec, and report an exec failure through a pipe.
#include "sys/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
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

/// Width reserved in "NAME=" strings for the child's pid, written in by the child itself.
constexpr size_t kPidWidth = 12;

/// Writes `pid` in decimal after the '=' of an environment string (async-signal-safe).
void write_pid(char* assignment, pid_t pid) {
  while (*assignment != '=') ++assignment;
  char digits[kPidWidth];
  int count = 0;
  for (unsigned value = static_cast<unsigned>(pid); value > 0 || count == 0; value /= 10) {
    digits[count++] = static_cast<char>('0' + value % 10);
  }
  char* out = assignment + 1;
  while (count > 0) *out++ = digits[--count];
  *out = '\0';
}

/// Switches groups, then gid, then uid, and checks that root cannot be regained.
bool drop_privileges(const Account& account) {
  if (setgroups(account.groups.size(), account.groups.data()) != 0) return false;
  if (setgid(account.gid) != 0 || setuid(account.uid) != 0) return false;
  if (getgid() != account.gid || getegid() != account.gid || getuid() != account.uid ||
      geteuid() != account.uid) {
    errno = EPERM;
    return false;
  }
  if (account.uid != 0 && setuid(0) == 0) {
    errno = EPERM;
    return false;
  }
  return true;
}

bool hand_over_fd(int source, int target) {
  if (source == target) return fcntl(target, F_SETFD, 0) == 0;
  return dup2(source, target) == target;  // dup2 leaves the new fd without close-on-exec.
}

/// Runs in the child: no allocation, no logging, no exceptions, never returns.
[[noreturn]] void become_command(const SpawnRequest& request, char* const* argv, char* const* envp,
                                 char* const* pid_slots, int report_fd) {
  auto fail = [report_fd](SpawnStage stage) {
    ChildFailure failure{static_cast<int>(stage), errno};
    ssize_t ignored = write(report_fd, &failure, sizeof failure);
    (void)ignored;
    _exit(127);
  };
  for (char* const* slot = pid_slots; *slot != nullptr; ++slot) write_pid(*slot, getpid());
  if (request.new_process_group && setpgid(0, 0) != 0) fail(SpawnStage::kSetup);
  // tend checks this again from its side; a failure here must not stop COMMAND.
  if (request.foreground_tty >= 0) tcsetpgrp(request.foreground_tty, getpgrp());
  if (request.ready_fd >= 0 && !hand_over_fd(request.ready_fd_source, request.ready_fd)) {
    fail(SpawnStage::kSetup);
  }
  if (request.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail(SpawnStage::kSetup);
  }
  if (request.account != nullptr && !drop_privileges(*request.account)) fail(SpawnStage::kSetup);
  request.signals->restore();
  execvpe(argv[0], argv, envp);
  fail(SpawnStage::kExec);
  _exit(127);
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& string : strings) pointers.push_back(string.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

SpawnResult spawn(const SpawnRequest& request) {
  std::vector<std::string> args = request.argv;
  std::vector<std::string> env = request.env;
  std::vector<size_t> pid_indexes;
  for (size_t i = 0; i < env.size(); ++i) {
    for (const auto& name : request.env_pid_names) {
      if (env[i].compare(0, name.size() + 1, name + "=") != 0) continue;
      env[i] = name + "=" + std::string(kPidWidth, ' ');  // Room for the child to write into.
      pid_indexes.push_back(i);
    }
  }
  std::vector<char*> argv = pointers_to(args);
  std::vector<char*> envp = pointers_to(env);
  std::vector<char*> pid_slots;
  for (size_t i : pid_indexes) pid_slots.push_back(envp[i]);
  pid_slots.push_back(nullptr);

  Pipe report = make_pipe();
  if (!report.read_end.is_open()) return {-1, errno, SpawnStage::kFork};
  pid_t pid = fork();
  if (pid < 0) return {-1, errno, SpawnStage::kFork};
  if (pid == 0) {
    become_command(request, argv.data(), envp.data(), pid_slots.data(), report.write_end.get());
  }

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
