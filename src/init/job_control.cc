// SPDX-License-Identifier: MIT
// Init and the terminal: carries out the job-control decisions of terminal/terminal.h.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "init/init.h"
#include "sys/signal_name.h"

namespace tend {

/// COMMAND was stopped (Ctrl-Z): tend stops with it, or continues it at once.
void Init::handle_command_stopped(int stop_signal) {
  spdlog::info("COMMAND (pid {}) stopped by {}", run_.command_pid, SignalLabel{stop_signal});
  bool tend_leads_its_session = getsid(0) == getpid();
  // stop_self returns false when the kernel discarded the stop (an orphaned process group).
  if (!should_stop_with_command(tend_leads_its_session) || !stop_self(stop_signal)) {
    resume_command();
  }
}

void Init::resume_command() {
  if (should_give_command_the_terminal(terminal_->foreground(), own_group_, command_group())) {
    terminal_->hand_to(command_group());
  }
  forward(SIGCONT);
}

/// Continued by the shell's `fg`: the terminal came back to tend's group; pass it on first.
void Init::pass_terminal_on() {
  if (!terminal_ || run_.command_reaped) return;
  if (should_pass_terminal_on(terminal_->foreground(), own_group_, command_group())) {
    terminal_->hand_to(command_group());
  }
}

/// Leaves the terminal as tend found it: foreground group back, and the settings too when
/// COMMAND died of a signal and so had no chance to restore them itself.
void Init::give_back_terminal() {
  if (!terminal_) return;
  if (should_take_back_terminal(terminal_->foreground(), own_group_, command_group())) {
    terminal_->hand_to(own_group_);
  }
  if (run_.status.signaled) terminal_->restore_settings();
}

}  // namespace tend
