// SPDX-License-Identifier: MIT
// Terminal: tend's controlling terminal, its foreground process group and saved settings.
#include "terminal/terminal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <spdlog/spdlog.h>

namespace tend {
namespace {

bool any_standard_fd_is_a_terminal() { return isatty(0) || isatty(1) || isatty(2); }

bool same_settings(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag && std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

}  // namespace

std::optional<Terminal> Terminal::open_controlling() {
  if (!any_standard_fd_is_a_terminal()) return std::nullopt;
  // ENXIO when tend has no controlling terminal: a terminal on stdin is then not ours to manage.
  UniqueFd fd(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.is_open()) return std::nullopt;
  termios saved{};
  if (tcgetattr(fd.get(), &saved) != 0) return std::nullopt;
  return Terminal(std::move(fd), saved);
}

pid_t Terminal::foreground() const { return tcgetpgrp(fd_.get()); }

bool Terminal::hand_to(pid_t group) const {
  if (tcsetpgrp(fd_.get(), group) == 0) {
    spdlog::debug("made process group {} the terminal's foreground", group);
    return true;
  }
  spdlog::warn("cannot give the terminal to process group {}: {}", group, std::strerror(errno));
  return false;
}

void Terminal::restore_settings() const {
  termios now{};
  if (tcgetattr(fd_.get(), &now) != 0 || same_settings(now, saved_)) return;
  if (tcsetattr(fd_.get(), TCSANOW, &saved_) == 0) {
    spdlog::info("restored the terminal settings COMMAND left changed");
  }
}

bool is_terminal_signal(int signo) {
  return signo == SIGINT || signo == SIGQUIT || signo == SIGTSTP || signo == SIGWINCH ||
         signo == SIGHUP;
}

bool reached_command_directly(int signo, bool sent_by_kernel, pid_t foreground,
                              pid_t command_group) {
  return sent_by_kernel && is_terminal_signal(signo) && foreground == command_group;
}

bool should_stop_with_command(bool tend_leads_its_session) { return !tend_leads_its_session; }

bool should_give_command_the_terminal(pid_t foreground, pid_t own_group, pid_t command_group) {
  return foreground == own_group || foreground == command_group;
}

bool should_pass_terminal_on(pid_t foreground, pid_t own_group, pid_t command_group) {
  return command_group > 0 && command_group != own_group && foreground == own_group;
}

bool should_take_back_terminal(pid_t foreground, pid_t own_group, pid_t command_group) {
  return command_group > 0 && command_group != own_group && foreground == command_group;
}

}  // namespace tend
