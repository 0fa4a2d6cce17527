// SPDX-License-Identifier: MIT
// COMMAND's environment: tend's own, with the sd_notify, socket-activation and user variables
// that belong to COMMAND rather than to tend.
#include "service/environment.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/options.h"
#include "sys/parse_whole.h"

namespace tend {
namespace {

/// Variables that describe tend's own relation to its supervisor, never COMMAND's.
constexpr std::array<std::string_view, 6> kReplaced{"NOTIFY_SOCKET", "LISTEN_PID",   "LISTEN_FDS",
                                                    "WATCHDOG_USEC", "WATCHDOG_PID", "HOME"};

std::string_view name_of(std::string_view assignment) {
  return assignment.substr(0, assignment.find('='));
}

}  // namespace

std::optional<int> listen_fds_for(const char* listen_pid, const char* listen_fds, pid_t self,
                                  long fd_limit, std::string& problem) {
  if (listen_pid == nullptr || listen_fds == nullptr || parse_whole<pid_t>(listen_pid) != self) {
    return std::nullopt;
  }
  std::optional<int> count = parse_whole<int>(listen_fds);
  if (count == 0) return std::nullopt;
  if (!count || *count < 0 || *count > fd_limit - 3) {
    problem = fmt::format("ignored LISTEN_FDS='{}': expected a count from 1 to {}", listen_fds,
                          fd_limit - 3);
    return std::nullopt;
  }
  return count;
}

std::optional<int> inherited_listen_fds() {
  std::string problem;
  std::optional<int> count = listen_fds_for(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"),
                                            getpid(), descriptor_limit(), problem);
  if (!problem.empty()) spdlog::warn("{}", problem);
  return count;
}

std::vector<std::string> command_pid_variables(const CommandEnvironment& settings) {
  std::vector<std::string> names;
  if (settings.listen_fds) names.emplace_back("LISTEN_PID");
  if (settings.watchdog) names.emplace_back("WATCHDOG_PID");
  return names;
}

std::vector<std::string> build_command_environment(const std::vector<std::string>& inherited,
                                                   const CommandEnvironment& settings) {
  std::vector<std::string> env;
  for (const auto& assignment : inherited) {
    std::string_view name = name_of(assignment);
    bool replaced = std::find(kReplaced.begin(), kReplaced.end(), name) != kReplaced.end();
    // HOME stays unless a user's home replaces it; the sd_* variables are tend's, not COMMAND's.
    if (!replaced || (name == "HOME" && !settings.home)) env.push_back(assignment);
  }
  if (settings.notify_socket) env.push_back("NOTIFY_SOCKET=" + *settings.notify_socket);
  if (settings.listen_fds) {
    env.push_back(fmt::format("LISTEN_FDS={}", *settings.listen_fds));
    env.emplace_back("LISTEN_PID=");
  }
  if (settings.watchdog) {
    auto usec = std::chrono::duration_cast<std::chrono::microseconds>(*settings.watchdog);
    env.push_back(fmt::format("WATCHDOG_USEC={}", usec.count()));
    env.emplace_back("WATCHDOG_PID=");
  }
  if (settings.home) env.push_back("HOME=" + *settings.home);
  return env;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) env.emplace_back(*entry);
  return env;
}

}  // namespace tend
