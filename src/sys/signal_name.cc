// SPDX-License-Identifier: MIT
// Signal names and numbers as users type them: "TERM", "sigterm", "15", "RTMIN+2".
#include "sys/signal_name.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <csignal>

#include <fmt/format.h>

#include "sys/parse_whole.h"

namespace tend {
namespace {

struct NamedSignal {
  std::string_view name;
  int number;
};

constexpr std::array<NamedSignal, 33> kSignals{{
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS},
}};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

/// "RTMIN", "RTMIN+3", "RTMAX-1".
std::optional<int> parse_realtime(std::string_view name) {
  bool from_min = name.substr(0, 5) == "RTMIN";
  if (!from_min && name.substr(0, 5) != "RTMAX") return std::nullopt;
  std::string_view rest = name.substr(5);
  int base = from_min ? SIGRTMIN : SIGRTMAX;
  if (rest.empty()) return base;
  // The offset is digits, with no sign of its own ("RTMAX--1" is no signal), and it is checked
  // before the sum: SIGRTMIN + 2147483647 would overflow.
  if (rest.size() < 2 || rest[0] != (from_min ? '+' : '-') || rest[1] == '-') return std::nullopt;
  auto offset = parse_whole<int>(rest.substr(1));
  if (!offset || *offset > SIGRTMAX - SIGRTMIN) return std::nullopt;
  return from_min ? base + *offset : base - *offset;
}

}  // namespace

std::optional<int> parse_signal(std::string_view text) {
  if (auto number = parse_whole<int>(text)) {
    if (*number < 1 || *number > SIGRTMAX) return std::nullopt;
    return number;
  }
  std::string name = upper(text);
  std::string_view bare = name;
  if (bare.substr(0, 3) == "SIG") bare.remove_prefix(3);
  for (const auto& known : kSignals) {
    if (known.name == bare) return known.number;
  }
  return parse_realtime(bare);
}

std::string signal_name(int signo) {
  for (const auto& known : kSignals) {
    if (known.number == signo) return fmt::format("SIG{}", known.name);
  }
  if (signo == SIGRTMIN) return "SIGRTMIN";
  if (signo == SIGRTMAX) return "SIGRTMAX";
  if (signo > SIGRTMIN && signo < SIGRTMAX) return fmt::format("SIGRTMIN+{}", signo - SIGRTMIN);
  return fmt::format("signal {}", signo);
}

}  // namespace tend
