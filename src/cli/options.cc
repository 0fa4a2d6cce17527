// SPDX-License-Identifier: MIT
// The command line model: CLI11 lives in this translation unit only.
#include "cli/options.h"

#include <algorithm>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/signal_name.h"

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
  std::vector<int> success_exits;
  std::string pdeathsig;
  int verbosity = 0;
  bool grace_given = false;
  bool pdeathsig_given = false;
};

constexpr char kDescription[] =
    "tend runs COMMAND as a minimal init: it reaps zombies, forwards signals to COMMAND's\n"
    "process group, stops it gracefully with SIGKILL escalation, and exits with its status.\n";

constexpr char kFooter[] =
    "\nEvery option can also be set by an environment variable TEND_<OPTION> (for example\n"
    "TEND_GRACE=5s, TEND_VERBOSE=2, TEND_REWRITE=TERM:QUIT,USR1:0); the command line wins.\n"
    "Exit status: COMMAND's; 128+N (or the same signal) when it died of signal N; 125 when tend\n"
    "fails; 126 when COMMAND cannot be executed; 127 when it is not found.\n";

/// CLI11's help with tend's real synopsis, which CLI11 cannot derive from the options.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_usage(const CLI::App*, std::string) const override {
    return "\nUsage: tend [OPTIONS] [--] COMMAND [ARG...]\n";
  }
};

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
  app.add_flag("-v,--verbose", raw.verbosity, "Log to stderr: -v info, -vv debug")
      ->envname("TEND_VERBOSE");
}

std::string usage_error(std::string_view what) {
  return fmt::format("tend: {}\n{}\n", what, kHelpHint);
}

/// Checks and converts what CLI11 collected; returns an error message, or "" when all is well.
std::string convert(const RawOptions& raw, Options& options) {
  options.single_child = raw.single_child;
  options.no_tty = raw.no_tty;
  options.verbosity = raw.verbosity;
  if (!raw.grace.empty() || raw.grace_given) {
    auto grace = parse_duration(raw.grace);
    if (!grace) {
      return fmt::format("invalid --grace '{}': expected a duration such as 500ms, 2s, 1m or inf",
                         raw.grace);
    }
    options.grace = *grace;
  }
  for (const auto& text : raw.rewrites) {
    auto rewrite = parse_rewrite(text);
    if (!rewrite) {
      return fmt::format("invalid --rewrite '{}': expected FROM:TO with signal names or numbers",
                         text);
    }
    options.rewrites.set(rewrite->first, rewrite->second);
  }
  for (int code : raw.success_exits) {
    if (code < 0 || code > 255) {
      return fmt::format("invalid --success-exit '{}': expected an exit code from 0 to 255", code);
    }
    options.success_exits.insert(code);
  }
  if (raw.pdeathsig_given) {
    options.pdeathsig = parse_signal(raw.pdeathsig);
    if (!options.pdeathsig)
      return fmt::format("invalid --pdeathsig '{}': unknown signal", raw.pdeathsig);
  }
  return {};
}

}  // namespace

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

std::optional<std::pair<int, int>> parse_rewrite(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto from = parse_signal(text.substr(0, colon));
  std::string_view to_text = text.substr(colon + 1);
  auto to = to_text == "0" ? std::optional<int>(0) : parse_signal(to_text);
  if (!from || !to) return std::nullopt;
  return std::pair{*from, *to};
}

ParseOutcome parse_options(int argc, const char* const* argv) {
  CLI::App app(kDescription, "tend");
  RawOptions raw;
  define_options(app, raw);
  app.footer(kFooter);

  std::vector<std::string> args(argv + 1, argv + argc);
  size_t command_start = find_command_start(args, [&app](const std::string& name) {
    const CLI::Option* option = app.get_option_no_throw(name);
    return option != nullptr && option->get_expected_min() > 0;
  });
  std::vector<std::string> option_args(args.begin(), args.begin() + command_start);
  if (!option_args.empty() && option_args.back() == "--") option_args.pop_back();

  ParseOutcome outcome;
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
  raw.grace_given = app.count("--grace") > 0;
  raw.pdeathsig_given = app.count("--pdeathsig") > 0;

  Options options;
  if (std::string error = convert(raw, options); !error.empty()) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error(error);
    return outcome;
  }
  options.command.assign(args.begin() + command_start, args.end());
  if (options.command.empty()) {
    outcome.exit_code = kUsageError;
    outcome.message = usage_error("missing COMMAND to run");
    return outcome;
  }
  outcome.options = std::move(options);
  return outcome;
}

std::string version_line() {
  return fmt::format("tend version {} - git.{}", TEND_VERSION, TEND_GIT_SHA);
}

}  // namespace tend
