// SPDX-License-Identifier: MIT
// Exit codes are an interface: how COMMAND's wait status becomes tend's own exit.
#include "init/exit_status.h"

#include <sys/wait.h>

#include <cerrno>

#include <fmt/format.h>

#include "sys/signal_name.h"

namespace tend {

ChildStatus ChildStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return {true, WTERMSIG(status)};
  return {false, WEXITSTATUS(status)};
}

std::string ChildStatus::describe() const {
  return signaled ? fmt::format("signal {}", signal_name(value))
                  : fmt::format("exit code {}", value);
}

TendExit decide_exit(ChildStatus status, bool is_pid1, const std::set<int>& success) {
  int code = status.shell_code();
  if (success.count(code) > 0) return {0, 0};
  if (status.signaled && !is_pid1) return {code, status.value};
  return {code, 0};
}

int exit_code_for_exec_error(int error) {
  return error == ENOENT || error == ENOTDIR ? kExitNotFound : kExitCannotExecute;
}

}  // namespace tend
