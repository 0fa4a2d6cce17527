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
  static std::optional<Terminal> open_controlling();

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

}  // namespace tend
