// SPDX-License-Identifier: MIT
// Terminal: tend's controlling terminal, its foreground process group and saved settings.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <optional>

#include "sys/unique_fd.h"

namespace tend {

class Terminal {
 public:
  /// The controlling terminal when tend has one and one of fds 0-2 is a terminal; else nullopt.
  /// Saves the terminal settings of this moment, for restore_settings().
  [[nodiscard]] static std::optional<Terminal> open_controlling();

  int fd() const { return fd_.get(); }
  pid_t foreground() const;
  bool is_foreground(pid_t group) const { return foreground() == group; }

  /// Makes `group` the foreground process group; works from the background too, because
  /// tend keeps SIGTTOU blocked. Logs and returns false on failure.
  bool hand_to(pid_t group) const;

  /// Puts back the settings saved when the terminal was opened, if they changed since.
  void restore_settings() const;

 private:
  Terminal(UniqueFd fd, const termios& saved) : fd_(std::move(fd)), saved_(saved) {}
  UniqueFd fd_;
  termios saved_;
};

/// Signals the terminal itself sends to its foreground group (keys, resize, hangup).
bool is_terminal_signal(int signo);

/// Whether a signal tend received from the kernel also reached COMMAND straight from the
/// terminal, so that forwarding it would deliver it twice: a terminal signal while COMMAND's
/// group is the terminal's foreground group.
bool reached_command_directly(int signo, bool sent_by_kernel, pid_t foreground,
                              pid_t command_group);

// Job control between the shell above tend and COMMAND below it. `foreground` is the terminal's
// foreground process group (-1 once it hung up), `own_group` tend's, `command_group` COMMAND's
// (tend's own with --single-child, not positive before COMMAND starts).

/// Whether tend stops itself when COMMAND is stopped (Ctrl-Z, or reading the terminal from the
/// background), so that the shell sees its job stopped and `fg`/`bg` work. Not as session leader
/// (a container): nobody could continue tend then, so tend continues COMMAND instead.
bool should_stop_with_command(bool tend_leads_its_session);

/// Whether tend, continuing COMMAND, hands it the terminal first: when the job is in the
/// foreground (the terminal is tend's group's or COMMAND's), not when it goes on with `bg`.
bool should_give_command_the_terminal(pid_t foreground, pid_t own_group, pid_t command_group);

/// Whether tend, continued by the shell's `fg` (the terminal came back to tend's group), passes
/// the terminal on to COMMAND's own group before it forwards SIGCONT.
bool should_pass_terminal_on(pid_t foreground, pid_t own_group, pid_t command_group);

/// Whether tend, as it ends, takes the terminal back from COMMAND's group for its own, so that the
/// shell finds its job in the foreground as it left it.
bool should_take_back_terminal(pid_t foreground, pid_t own_group, pid_t command_group);

}  // namespace tend
