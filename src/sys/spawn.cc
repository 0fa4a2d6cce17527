// SPDX-License-Identifier: MIT
// Starting COMMAND: clone with tend's memory shared, set the child up, exec; a failure comes back
// through that shared memory.
#include "sys/spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mman.h>
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

/// What the child needs, and where it leaves a failure for the parent to read.
struct ChildContext {
  const SpawnRequest* request;
  char* const* argv;
  char* const* envp;
  char* const* pid_slots;
  ChildFailure failure;
};

/// Runs in the child, on its own stack in tend's memory while tend sleeps: no allocation, no
/// logging, no exceptions, never returns. A failure is left in the context for the parent.
[[noreturn]] void become_command(ChildContext& context) {
  const SpawnRequest& request = *context.request;
  auto fail = [&context](SpawnStage stage) {
    context.failure = {static_cast<int>(stage), errno};
    _exit(127);
  };
  for (char* const* slot = context.pid_slots; *slot != nullptr; ++slot) write_pid(*slot, getpid());
  if (request.new_process_group && setpgid(0, 0) != 0) fail(SpawnStage::kSetup);
  // tend checks this again from its side; a failure here must not stop COMMAND.
  if (request.foreground_tty >= 0) tcsetpgrp(request.foreground_tty, getpgrp());
  if (request.ready_fd >= 0 && !hand_over_fd(request.ready_fd_source, request.ready_fd)) {
    fail(SpawnStage::kSetup);
  }
  for (int target = 0; target < 3; ++target) {
    if (request.stdio[target] >= 0 && !hand_over_fd(request.stdio[target], target)) {
      fail(SpawnStage::kSetup);
    }
  }
  if (request.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail(SpawnStage::kSetup);
  }
  if (request.account != nullptr && !drop_privileges(*request.account)) fail(SpawnStage::kSetup);
  request.signals->restore();
  execvpe(context.argv[0], context.argv, context.envp);
  fail(SpawnStage::kExec);
  _exit(127);
}

int run_child(void* context) { become_command(*static_cast<ChildContext*>(context)); }

/// The child's stack: anonymous memory, unmapped once the child has exec'd or died. Its size
/// covers execvpe's own needs (a copy of argv for a script, a PATH buffer) beyond our frames.
class ChildStack {
 public:
  explicit ChildStack(size_t argc)
      : size_((argc + 8) * sizeof(char*) + size_t{64} * 1024 + size_t{8} * 1024),
        base_(mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0)) {}
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;
  ~ChildStack() {
    if (ok()) munmap(base_, size_);
  }
  bool ok() const { return base_ != MAP_FAILED; }
  void* top() const { return static_cast<char*>(base_) + size_; }  // Stacks grow down.

 private:
  size_t size_;
  void* base_;
};

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
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
  pid_slots.reserve(pid_indexes.size() + 1);
  for (size_t i : pid_indexes) pid_slots.push_back(envp[i]);
  pid_slots.push_back(nullptr);

  ChildStack stack(args.size());
  if (!stack.ok()) return {-1, errno, SpawnStage::kFork};
  // Like vfork (and posix_spawn): the child borrows tend's memory instead of copying it, and tend
  // sleeps until the child has exec'd or died, so the child's setpgid is done when tend goes on
  // and a failure is in `context` already. No page tables to copy, no pipe to report through.
  ChildContext context{&request, argv.data(), envp.data(), pid_slots.data(), {}};
  pid_t pid = clone(run_child, stack.top(), CLONE_VM | CLONE_VFORK | SIGCHLD, &context);
  if (pid < 0) return {-1, errno, SpawnStage::kFork};
  if (context.failure.error == 0) return {pid, 0, SpawnStage::kExec};
  return {pid, context.failure.error, static_cast<SpawnStage>(context.failure.stage)};
}

}  // namespace tend
