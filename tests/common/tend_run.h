// SPDX-License-Identifier: MIT
// Runs the real tend binary as PID 1 of a new PID namespace or as a subreaper, and watches it.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness.h"

namespace tend::e2e {

using namespace tend::test;  // NOLINT(google-build-using-namespace): the shared harness.

/// How tend is started: as PID 1 inside `unshare --pid --fork --mount-proc`, or directly.
enum class Mode { kPid1, kSubreaper };

inline constexpr Mode kAllModes[] = {Mode::kPid1, Mode::kSubreaper};

std::string mode_name(Mode mode);
/// So that GoogleTest prints a Mode parameter by name.
void PrintTo(Mode mode, std::ostream* out);

/// Everything about how one tend run starts.
struct Launch {
  std::vector<std::string> args;   ///< tend's arguments, COMMAND included.
  std::vector<std::string> env;    ///< NAME=value added to the environment (TEND_* are cleared).
  std::vector<int> blocked;        ///< Signals blocked when tend starts.
  std::vector<int> ignored;        ///< Signals ignored when tend starts.
  std::vector<int> stdout_copies;  ///< Fds tend inherits as copies of stdout.
  std::vector<std::pair<int, std::string>> files;  ///< Fds tend inherits, opened read-only.
  bool stdin_pipe = false;                         ///< Otherwise stdin is /dev/null.
  std::string cwd;            ///< Working directory tend starts in (default: the test's).
  bool under_parent = false;  ///< Subreaper mode: start tend under an intermediate parent.
  bool core_dumps = false;    ///< Start tend with an unlimited RLIMIT_CORE.
  /// RLIMIT_SIGPENDING tend starts with (default: the test's own), to fill its signal queue.
  std::optional<rlim_t> sigpending_limit;
  /// RLIMIT_NOFILE (soft and hard) tend starts with, to see it run short of descriptors.
  std::optional<rlim_t> nofile_limit;
  std::string program = kTend;  ///< What runs instead of tend, for checks of the harness itself.
  /// stderr is a pipe whose reading end is closed: every write to it raises SIGPIPE.
  bool broken_stderr = false;
  /// When >= 0, tend's stdout is this descriptor of the test (say, a pipe it does not read)
  /// instead of the harness's pipe.
  int stdout_fd = -1;
};

/// The helper's parsed "report key=value ..." line.
struct Report {
  std::map<std::string, std::string> facts;
  const std::string& operator[](const std::string& key) const;
  pid_t number(const std::string& key) const;
};

/// What tend's parent sees when COMMAND died of `signo`: 128+N as PID 1, the signal elsewhere.
std::string command_died_of(Mode mode, int signo);

/// One started tend and everything it starts: killed and reaped when this goes away.
class TendRun {
 public:
  TendRun(Mode mode, Launch launch);
  ~TendRun();
  TendRun(const TendRun&) = delete;
  TendRun& operator=(const TendRun&) = delete;

  Mode mode() const { return mode_; }
  /// unshare, the intermediate parent, or tend itself: the process this harness forked.
  pid_t root_pid() const { return root_pid_; }
  /// tend's pid as the test sees it; waits until tend has been exec'd.
  pid_t tend_pid();
  /// COMMAND's pid as the test sees it (tend's only child); waits until it exists.
  pid_t command_pid();

  void signal_tend(int signo);
  /// The usual end of a test: sends tend `signo`, waits for it to end, and returns how it
  /// ended as describe_status says it, for an EXPECT_EQ against exit_with() or died_of().
  std::string stop(int signo = SIGTERM, Duration timeout = kEventTimeout);
  void write_stdin(std::string_view text);
  void close_stdin();

  /// Waits for the next unconsumed stdout line that starts with `prefix`, marks it consumed.
  std::string wait_for_line(std::string_view prefix, Duration timeout = kEventTimeout);
  /// Index in lines() of that line.
  size_t wait_for_line_index(std::string_view prefix, Duration timeout = kEventTimeout);
  const std::vector<std::string>& lines() const { return lines_; }
  /// Waits for the next "<tag>report ..." line and returns that report.
  Report wait_for_report(std::string_view tag = "");
  /// Everything tend and its children wrote to stderr so far.
  std::string stderr_text();
  std::string stdout_text() const;

  /// Waits for the root process to end and returns its wait status; throws on timeout.
  int wait_exit(Duration timeout = kEventTimeout);
  /// Same, but a timeout is an answer: nullopt.
  std::optional<int> wait_exit_within(Duration timeout);
  /// Waits for `pid`, a child of the test process (for instance tend after its parent died).
  int wait_pid_exit(pid_t pid, Duration timeout = kEventTimeout);
  Clock::time_point exit_time() const { return exit_time_; }
  bool has_exited() const { return exited_; }

  /// Polls `condition` (every few ms, reading output meanwhile); throws with `what` on timeout.
  void wait_until(const std::function<bool()>& condition, std::string_view what,
                  Duration timeout = kEventTimeout);

  /// For failure messages: stdout and stderr so far.
  std::string transcript();

 private:
  void start(const Launch& launch);
  std::vector<std::string> build_argv(const Launch& launch) const;
  /// Reads whatever output arrives until `deadline`; also wakes up when `pid_fd` is readable.
  void pump(Clock::time_point deadline, int pid_fd = -1);
  void read_from(int& fd, std::string& buffer, bool is_stdout);
  [[noreturn]] void fail(std::string_view what);
  [[noreturn]] void fail_timed_out(Duration timeout, std::string_view what);
  void clean_up();

  Mode mode_;
  pid_t root_pid_ = -1;
  pid_t tend_pid_ = -1;
  std::optional<std::pair<dev_t, ino_t>> program_identity_;
  int root_pid_fd_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_partial_;
  std::string stderr_;
  std::vector<std::string> lines_;
  std::vector<bool> consumed_;
  bool exited_ = false;
  int exit_status_ = 0;
  Clock::time_point exit_time_;
};

/// Runs tend to its end and returns how it ended with its output.
Outcome run_to_exit(Mode mode, Launch launch, Duration timeout = kEventTimeout);

/// The helper's command line: {kHelper, words...}.
std::vector<std::string> helper(std::initializer_list<std::string> words);
/// tend's arguments: options, then the helper with its words.
std::vector<std::string> options_then_helper(std::initializer_list<std::string> options,
                                             std::initializer_list<std::string> words);
/// Start of the line the helper prints for a received signal: "[TAG ]signal N ".
std::string signal_line(int signo, std::string_view tag = "");

/// Test name suffix for parameterized tests over Mode.
struct ModeName {
  template <class Info>
  std::string operator()(const Info& info) const {
    return mode_name(info.param);
  }
};

}  // namespace tend::e2e
