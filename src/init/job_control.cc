// SPDX-License-Identifier: MIT
// Init and the terminal: job control between the shell above tend and COMMAND below it.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "cli/signal_name.h"
#include "init/init.h"

namespace tend {

/// COMMAND stopped itself or was stopped by the terminal (Ctrl-Z, or reading it in the
/// background). Under a shell, tend stops too, so that the shell sees its job stopped and
/// `fg`/`bg` work; as session leader (a container) nobody could resume it, so tend does.
void Init::handle_command_stopped(int stop_signal) {
  spdlog::info("COMMAND (pid {}) stopped by {}", run_.command_pid, SignalLabel{stop_signal});
  if (getsid(0) == getpid() || !stop_self(stop_signal)) resume_command();
}

void Init::resume_command() {
  pid_t foreground = terminal_->foreground();
  if (foreground == own_group_ || foreground == command_group()) {
    terminal_->hand_to(command_group());
  }
  forward(SIGCONT);
}

/// Leaves the terminal as tend found it: foreground group back, and the settings too when
/// COMMAND died of a signal and so had no chance to restore them itself.
void Init::give_back_terminal() {
  if (!terminal_) return;
  if (run_.command_pid > 0 && terminal_->is_foreground(command_group()) &&
      command_group() != own_group_) {
    terminal_->hand_to(own_group_);
  }
  if (run_.status.signaled) terminal_->restore_settings();
}

}  // namespace tend
