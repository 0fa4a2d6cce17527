// SPDX-License-Identifier: MIT
// The command line model: CLI11 lives in this translation unit only.
#include "cli/options.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <sys/resource.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdint>

#include <fmt/format.h>
#include "cli/cli11.h"

#include "sys/parse_whole.h"
#include "sys/signal_name.h"

namespace tend {
namespace {

constexpr int kUsageError = 125;
constexpr char kHelpHint[] = "Run 'tend --help' for usage.";

/// Values as CLI11 collects them, before tend's own parsers check them.
struct RawOptions {
  bool single_child = false;
  bool no_tty = false;
  std::string grace;
  std::vector<std::string> rewrites;
  std::vector<std::string> success_exits;
  std::string pdeathsig;
  /// Each -v as "true", or the value of --verbose=N or TEND_VERBOSE: counted by tend, since
  /// CLI11's own count aborts on a number beyond 64 bits.
  std::vector<std::string> verbosity;
  std::string restart;
  std::string restart_delay;
  std::string restart_delay_max;
  std::string restart_reset;
  std::string pidfile;
  std::string pidfile_timeout;
  std::string ready_fd;
  std::string ready_file;
  std::string ready_timeout;
  std::string watchdog;
  std::string stop_delay;
  std::string user;
  bool no_new_privs = false;
  std::string procfile;
  bool no_prefix = false;
  std::set<std::string> given;  ///< Long names of the options set on the command line or env.
};

constexpr char kDescription[] =
    "tend runs COMMAND as a minimal init: it reaps zombies, forwards signals to COMMAND's\n"
    "process group, stops it gracefully with SIGKILL escalation, and exits with its status.\n";

constexpr char kFooter[] =
    "\nEvery option can also be set by an environment variable TEND_<OPTION> (for example\n"
    "TEND_GRACE=5s, TEND_VERBOSE=2, TEND_REWRITE=TERM:QUIT,USR1:0); the command line wins.\n"
    "A DURATION is a number with us, ms, s (the default), m or h, up to 876000h (100 years),\n"
    "or inf for never.\n"
    "Exit status: COMMAND's; 128+N (or the same signal) when it died of signal N; 125 when tend\n"
    "fails; 126 when COMMAND cannot be executed; 127 when it is not found.\n";

/// CLI11's help with tend's real synopsis, which CLI11 cannot derive from the options.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override {
    return "\nUsage: tend [OPTIONS] [--] COMMAND [ARG...]\n       tend [OPTIONS] --procfile FILE\n";
  }
};

/// "--ready-timeout" -> "TEND_READY_TIMEOUT".
std::string env_name(std::string_view long_name) {
  std::string name = "TEND_";
  for (char c : long_name.substr(2)) name += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

void add_duration(CLI::App& app, const char* name, std::string& value, const char* help) {
  app.add_option(name, value, help)->type_name("DURATION")->envname(env_name(name));
}

void define_options(CLI::App& app, RawOptions& raw) {
  app.formatter(std::make_shared<HelpFormatter>());
  app.set_version_flag("-V,--version", version_line());
  app.add_flag("-c,--single-child", raw.single_child,
               "Run COMMAND in tend's process group and signal only its pid")
      ->envname("TEND_SINGLE_CHILD");
  app.add_option("-t,--grace", raw.grace,
                 "Time between a stop signal and SIGKILL: 500ms, 2s, 1m, inf (default 10s)")
      ->type_name("DURATION")
      ->envname("TEND_GRACE");
  app.add_option("-r,--rewrite", raw.rewrites,
                 "Forward signal FROM as TO instead (names or numbers; TO 0 drops it); repeatable")
      ->type_name("FROM:TO")
      ->envname("TEND_REWRITE")
      ->delimiter(',');
  app.add_option("-e,--success-exit", raw.success_exits,
                 "Exit 0 when COMMAND's status is CODE (128+N for signal N); repeatable")
      ->type_name("CODE")
      ->envname("TEND_SUCCESS_EXIT")
      ->delimiter(',');
  app.add_option("-p,--pdeathsig", raw.pdeathsig,
                 "Receive SIG when tend's parent dies, and handle it like any signal")
      ->type_name("SIG")
      ->envname("TEND_PDEATHSIG");
  app.add_flag("--no-tty", raw.no_tty, "Leave the terminal alone")->envname("TEND_NO_TTY");
  app.add_option("--restart", raw.restart,
                 "Start COMMAND again when it ends: no, on-failure[:MAX], always (default no)")
      ->type_name("POLICY")
      ->envname("TEND_RESTART");
  add_duration(app, "--restart-delay", raw.restart_delay,
               "Wait before the first restart, doubled for each next one (default 100ms)");
  add_duration(app, "--restart-delay-max", raw.restart_delay_max,
               "Longest wait between restarts (default 1m)");
  add_duration(app, "--restart-reset", raw.restart_reset,
               "A run this long is healthy: delay and restart count start over (default 10s)");
  app.add_option("--pidfile", raw.pidfile,
                 "COMMAND daemonizes: supervise the pid it writes to PATH")
      ->type_name("PATH")
      ->envname("TEND_PIDFILE");
  add_duration(app, "--pidfile-timeout", raw.pidfile_timeout,
               "How long to wait for the pid file (default 30s)");
  app.add_option("--ready-fd", raw.ready_fd,
                 "Give COMMAND fd N; a newline written to it means ready (s6 style)")
      ->type_name("N")
      ->envname("TEND_READY_FD");
  app.add_option("--ready-file", raw.ready_file,
                 "Create PATH while COMMAND is ready (READY=1), remove it when it stops")
      ->type_name("PATH")
      ->envname("TEND_READY_FILE");
  add_duration(app, "--ready-timeout", raw.ready_timeout,
               "COMMAND not ready in time is stopped and counts as failed");
  add_duration(app, "--watchdog", raw.watchdog,
               "COMMAND must send WATCHDOG=1 this often, else it is stopped as failed");
  add_duration(app, "--stop-delay", raw.stop_delay,
               "Wait this long before forwarding a stop signal (default 0)");
  app.add_option("-u,--user", raw.user, "Run COMMAND as USER (and GROUP), names or numbers")
      ->type_name("USER[:GROUP]")
      ->envname("TEND_USER");
  app.add_flag("--no-new-privs", raw.no_new_privs, "Set PR_SET_NO_NEW_PRIVS for COMMAND")
      ->envname("TEND_NO_NEW_PRIVS");
  app.add_option("--procfile", raw.procfile,
                 "Run the services of Procfile FILE (name: command line) instead of COMMAND")
      ->type_name("FILE")
      ->envname("TEND_PROCFILE");
  app.add_flag("--no-prefix", raw.no_prefix,
               "With --procfile, services write to tend's stdout and stderr without name prefixes")
      ->envname("TEND_NO_PREFIX");
  app.add_flag("-v,--verbose", raw.verbosity, "Log to stderr: -v info, -vv debug")
      ->envname("TEND_VERBOSE");
}

/// Options that name one COMMAND's process have no single meaning for several services.
std::string check_procfile_options(const RawOptions& raw) {
  if (raw.given.count("--procfile") == 0) {
    return raw.no_prefix ? "--no-prefix needs --procfile" : "";
  }
  for (const char* name : {"--pidfile", "--ready-fd", "--single-child"}) {
    if (raw.given.count(name) > 0) return fmt::format("{} cannot be used with --procfile", name);
  }
  return "";
}

std::string usage_error(std::string_view what) {
  return fmt::format("tend: {}\n{}\n", what, kHelpHint);
}

/// One -v ("true"), or a count: digits of any length (more than 2 logs no more), true, false.
std::optional<int> verbosity_count(std::string_view text) {
  if (text == "true") return 1;
  if (text == "false") return 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  size_t first = text.find_first_not_of('0');
  if (first == std::string_view::npos) return 0;
  return text.size() - first > 1 ? 2 : std::min(text[first] - '0', 2);
}

/// Why tend can never act on `signo` when it receives it; nullptr when it can.
const char* why_never_handled(int signo) {
  if (signo == SIGKILL || signo == SIGSTOP) return "cannot be caught";
  if (signo == SIGCHLD) return "only tells tend to reap";
  return nullptr;
}

/// One DURATION option; returns an error message, or "" when it is fine or not given.
std::string convert_duration(const RawOptions& raw, const char* name, const std::string& text,
                             auto& target) {
  if (raw.given.count(name) == 0) return {};
  DurationError why = DurationError::kMalformed;
  std::optional<Millis> parsed = parse_duration(text, &why);
  if (parsed) {
    target = *parsed;
    return {};
  }
  if (why == DurationError::kTooLong) {
    return fmt::format("invalid {} '{}': longer than {} (100 years); use inf for never", name, text,
                       format_duration(kLongestDuration));
  }
  return fmt::format("invalid {} '{}': expected a duration such as 500ms, 2s, 1m or inf", name,
                     text);
}

std::string convert_durations(const RawOptions& raw, Options& options) {
  for (std::string error :
       {convert_duration(raw, "--grace", raw.grace, options.grace),
        convert_duration(raw, "--restart-delay", raw.restart_delay, options.restart_delay),
        convert_duration(raw, "--restart-delay-max", raw.restart_delay_max,
                         options.restart_delay_max),
        convert_duration(raw, "--restart-reset", raw.restart_reset, options.restart_reset),
        convert_duration(raw, "--pidfile-timeout", raw.pidfile_timeout, options.pidfile_timeout),
        convert_duration(raw, "--ready-timeout", raw.ready_timeout, options.ready_timeout),
        convert_duration(raw, "--watchdog", raw.watchdog, options.watchdog),
        convert_duration(raw, "--stop-delay", raw.stop_delay, options.stop_delay)}) {
    if (!error.empty()) return error;
  }
  // A watchdog that never fires, or a first restart that never comes, means nothing.
  if (options.watchdog == Millis(0) || options.watchdog == kForever) {
    return fmt::format("invalid --watchdog '{}': expected a positive finite duration",
                       raw.watchdog);
  }
  if (options.restart_delay == kForever) {
    return fmt::format("invalid --restart-delay '{}': expected a finite duration",
                       raw.restart_delay);
  }
  return {};
}

std::string convert_ready_fd(const RawOptions& raw, Options& options) {
  if (raw.given.count("--ready-fd") == 0) return {};
  long limit = descriptor_limit();
  std::optional<int> fd = parse_whole<int>(raw.ready_fd);
  if (!fd || *fd <= 2 || *fd >= limit) {
    return fmt::format(
        "invalid --ready-fd '{}': expected a descriptor number from 3 to {} (the descriptor "
        "limit is {})",
        raw.ready_fd, limit - 1, limit);
  }
  options.ready_fd = fd;
  return {};
}

std::string convert_signals(const RawOptions& raw, Options& options) {
  for (const auto& text : raw.rewrites) {
    auto rewrite = parse_rewrite(text);
    if (!rewrite) {
      return fmt::format("invalid --rewrite '{}': expected FROM:TO with signal names or numbers",
                         text);
    }
    if (const char* why = why_never_handled(rewrite->first)) {
      return fmt::format("invalid --rewrite '{}': {} {}, so tend never forwards it", text,
                         signal_name(rewrite->first), why);
    }
    options.rewrites.set(rewrite->first, rewrite->second);
  }
  if (raw.given.count("--pdeathsig") > 0) {
    options.pdeathsig = parse_signal(raw.pdeathsig);
    if (!options.pdeathsig)
      return fmt::format("invalid --pdeathsig '{}': unknown signal", raw.pdeathsig);
    if (const char* why = why_never_handled(*options.pdeathsig)) {
      return fmt::format("invalid --pdeathsig '{}': {} {}, so tend could never handle it",
                         raw.pdeathsig, signal_name(*options.pdeathsig), why);
    }
  }
  return {};
}

std::string convert_numbers(const RawOptions& raw, Options& options) {
  for (const std::string& text : raw.verbosity) {
    std::optional<int> count = verbosity_count(text);
    if (!count) {
      return fmt::format("invalid --verbose '{}': expected a count such as 0, 1 or 2", text);
    }
    options.verbosity = std::min(options.verbosity + *count, 2);  // 2 logs everything already.
  }
  for (const std::string& text : raw.success_exits) {
    std::optional<int> code = parse_whole<int>(text);
    if (!code || *code < 0 || *code > 255) {
      return fmt::format("invalid --success-exit '{}': expected an exit code from 0 to 255", text);
    }
    options.success_exits.insert(*code);
  }
  if (raw.given.count("--restart") > 0) {
    auto policy = parse_restart_policy(raw.restart);
    if (!policy) {
      return fmt::format(
          "invalid --restart '{}': expected no, on-failure, on-failure:MAX (MAX from 0 to {}) or "
          "always",
          raw.restart, INT_MAX);
    }
    options.restart = *policy;
  }
  return convert_ready_fd(raw, options);
}

/// Checks and converts what CLI11 collected; returns an error message, or "" when all is well.
std::string convert(const RawOptions& raw, Options& options) {
  options.single_child = raw.single_child;
  options.no_tty = raw.no_tty;
  for (std::string error : {convert_durations(raw, options), convert_numbers(raw, options),
                            convert_signals(raw, options)}) {
    if (!error.empty()) return error;
  }
  for (auto [name, text] :
       {std::pair{"--pidfile", &raw.pidfile}, std::pair{"--ready-file", &raw.ready_file},
        std::pair{"--user", &raw.user}, std::pair{"--procfile", &raw.procfile}}) {
    if (raw.given.count(name) > 0 && text->empty()) {
      return fmt::format("invalid {} '': expected a non-empty value", name);
    }
  }
  options.pidfile = raw.pidfile;
  options.ready_file = raw.ready_file;
  options.user = raw.user;
  options.no_new_privs = raw.no_new_privs;
  options.procfile = raw.procfile;
  options.no_prefix = raw.no_prefix;
  if (std::string conflict = check_procfile_options(raw); !conflict.empty()) return conflict;
  return {};
}

/// TEND_* variables that name no option: a typo such as TEND_GRAEC would otherwise do nothing.
std::vector<std::string> unknown_variables(const CLI::App& app) {
  std::set<std::string> known;
  for (const CLI::Option* option : app.get_options()) known.insert(option->get_envname());
  std::vector<std::string> unknown;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    std::string_view assignment = *variable;
    std::string name(assignment.substr(0, assignment.find('=')));
    if (name.starts_with("TEND_") && known.count(name) == 0) unknown.push_back(name);
  }
  return unknown;
}

}  // namespace

long descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur > INT_MAX) return INT_MAX;
  return static_cast<long>(limit.rlim_cur);
}

SignalRewrites::SignalRewrites() {
  for (int signo = 0; signo <= kMaxSignal; ++signo) to_[signo] = signo;
}

size_t find_command_start(const std::vector<std::string>& args,
                          const std::function<bool(const std::string&)>& takes_value) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return i + 1;
    if (arg.size() < 2 || arg[0] != '-') return i;
    if (arg[1] == '-') {
      if (arg.find('=') == std::string::npos && takes_value(arg)) ++i;
      continue;
    }
    // A cluster of short options such as "-vv" or "-ct5s": a value option takes the rest.
    for (size_t c = 1; c < arg.size(); ++c) {
      if (!takes_value(std::string{'-', arg[c]})) continue;
      if (c + 1 == arg.size()) ++i;
      break;
    }
  }
  return args.size();
}

std::optional<RestartPolicy> parse_restart_policy(std::string_view text) {
  using Mode = RestartPolicy::Mode;
  if (text == "no") return RestartPolicy{Mode::kNo, std::nullopt};
  if (text == "always") return RestartPolicy{Mode::kAlways, std::nullopt};
  if (text == "on-failure") return RestartPolicy{Mode::kOnFailure, std::nullopt};
  constexpr std::string_view kPrefix = "on-failure:";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view digits = text.substr(kPrefix.size());
  std::optional<int> max = parse_whole<int>(digits);  // "-0" is 0.
  if (!max || *max < 0) return std::nullopt;
  return RestartPolicy{Mode::kOnFailure, *max};
}

std::optional<std::pair<int, int>> parse_rewrite(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto from = parse_signal(text.substr(0, colon));
  std::string_view to_text = text.substr(colon + 1);
  auto to = to_text == "0" ? std::optional<int>(0) : parse_signal(to_text);
  if (!from || !to) return std::nullopt;
  return std::pair{*from, *to};
}

/// COMMAND when there is nothing to parse: no option before it and no TEND_* variable (the
/// `ENTRYPOINT ["/tend", "--"]` case). Then CLI11 is not set up at all, which is a sixth of
/// tend's start-up and keeps its code out of memory; the result is the same as CLI11's.
std::optional<Options> options_without_parsing(int argc, const char* const* argv) {
  if (argc < 2) return std::nullopt;
  std::string_view first = argv[1];
  int command_start = first == "--" ? 2 : 1;
  if (command_start == argc || (command_start == 1 && first.starts_with("-"))) return std::nullopt;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::string_view(*variable).starts_with("TEND_")) return std::nullopt;
  }
  Options options;
  options.command.assign(argv + command_start, argv + argc);
  return options;
}

ParseOutcome parse_options(int argc, const char* const* argv) {
  if (auto options = options_without_parsing(argc, argv)) return {std::move(options), 0, {}, {}};
  CLI::App app(kDescription, "tend");
  RawOptions raw;
  define_options(app, raw);
  app.footer(kFooter);

  std::vector<std::string> args(argv + 1, argv + argc);
  size_t command_start = find_command_start(args, [&app](const std::string& name) {
    const CLI::Option* option = app.get_option_no_throw(name);
    return option != nullptr && option->get_expected_min() > 0;
  });
  auto command = args.begin() + static_cast<std::ptrdiff_t>(command_start);
  std::vector<std::string> option_args(args.begin(), command);
  if (!option_args.empty() && option_args.back() == "--") option_args.pop_back();

  ParseOutcome outcome;
  for (const std::string& name : unknown_variables(app)) {
    outcome.warnings.push_back(fmt::format("unknown variable {} (ignored)", name));
  }
  try {
    std::reverse(option_args.begin(), option_args.end());  // CLI11 takes them reversed.
    app.parse(option_args);
  } catch (const CLI::CallForVersion&) {
    outcome.message = version_line() + "\n";
    return outcome;
  } catch (const CLI::Success&) {
    outcome.message = app.help();
    return outcome;
  } catch (const CLI::ParseError& error) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error(error.what());
    return outcome;
  }
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() > 0 && !option->get_lnames().empty()) {
      raw.given.insert("--" + option->get_lnames().front());
    }
  }

  Options options;
  if (std::string error = convert(raw, options); !error.empty()) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error(error);
    return outcome;
  }
  options.command.assign(command, args.end());
  if (!options.procfile.empty() && !options.command.empty()) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error(
        fmt::format("--procfile '{}' and COMMAND '{}' given: run either a Procfile or one COMMAND",
                    options.procfile, options.command[0]));
    return outcome;
  }
  if (options.command.empty() && options.procfile.empty()) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error("missing COMMAND to run");
    return outcome;
  }
  outcome.options = std::move(options);
  return outcome;
}

}  // namespace tend
