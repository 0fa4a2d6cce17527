// SPDX-License-Identifier: MIT
// PtySession: a command on a fresh pseudo-terminal, driven by keystrokes and read like a screen.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tty_harness.h"

namespace tend::tty {

/// `bash --norc --noprofile -i`.
std::vector<std::string> interactive_bash();

/// One command started as leader of a new session whose controlling terminal is a new pty.
/// Everything the test process started is SIGKILLed and reaped when this goes away.
class PtySession {
 public:
  /// `env` entries are added to session_env() (and override it).
  explicit PtySession(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {});
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  /// The session leader (the command started), as the test sees it.
  pid_t leader() const { return leader_; }

  /// Types `keys` at the terminal, control characters included ("\x03" is Ctrl-C).
  void send(std::string_view keys);
  void send_line(std::string_view line) { send(std::string(line) + "\n"); }

  /// Waits for `needle` after everything earlier expects consumed, and consumes up to its end.
  /// Returns the text from the old position up to and including the match.
  std::string expect(std::string_view needle, Duration timeout = kEventTimeout);
  /// Same with an ECMAScript regex; returns the match and its groups.
  std::vector<std::string> expect_regex(const std::string& pattern,
                                        Duration timeout = kEventTimeout);
  /// Waits for the bash prompt.
  void expect_prompt(Duration timeout = kEventTimeout) { expect(kPrompt, timeout); }
  /// Types `line` into bash and waits for the next prompt; returns what came before it.
  std::string run(std::string_view line, Duration timeout = kEventTimeout);

  /// Current end of the transcript, for order-independent waits with wait_for.
  size_t mark() const { return screen_.size(); }
  /// Waits for `needle` anywhere after `from`, without consuming anything.
  void wait_for(std::string_view needle, size_t from, Duration timeout = kEventTimeout);
  /// Whether `needle` occurs after `from` (in what has been read so far).
  bool seen(std::string_view needle, size_t from = 0) const;

  /// Polls `condition` every few ms while reading output; fails with `what` on timeout.
  void wait_until(const std::function<bool()>& condition, std::string_view what,
                  Duration timeout = kEventTimeout);

  /// Sets the window size the way a terminal emulator does (TIOCSWINSZ on the master).
  void resize(unsigned short rows, unsigned short cols);
  /// The slave's termios now, and as they were before the command started.
  termios settings() const;
  const termios& initial_settings() const { return initial_settings_; }
  /// The terminal's foreground process group (as the test sees it), or -1.
  pid_t foreground_group() const;

  /// Waits for the session leader to end and returns its wait status.
  int wait_exit(Duration timeout = kEventTimeout);

  /// Everything printed so far, carriage returns and escape sequences removed.
  const std::string& screen() const { return screen_; }
  /// Throws with `what`, the transcript and where the test was reading.
  [[noreturn]] void fail(std::string_view what) const;

 private:
  /// Reads what is there, waiting at most `wait` for something to come.
  void pump(Duration wait);
  void append_output(std::string_view bytes);

  int master_ = -1;
  pid_t leader_ = -1;
  bool hung_up_ = false;
  termios initial_settings_{};
  std::string screen_;
  std::string escape_;  ///< An escape sequence cut in half by a read.
  size_t cursor_ = 0;
};

/// Waits (reading `session`'s output meanwhile) for a child of `parent` running `program`.
pid_t wait_for_child(PtySession& session, pid_t parent, const std::string& program);

/// Waits until `pid` sleeps in a read or poll system call: waiting for input. Readline (bash)
/// loses a SIGINT that arrives between its prompt and that call, so Ctrl-C at a prompt waits.
void wait_until_reading(PtySession& session, pid_t pid);

/// The helper's "report ..." line, parsed (the part about the terminal).
struct Report {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t sid = 0;
  std::string fg0;    ///< tcgetpgrp(0) == getpgrp(): "yes", "no" or "none".
  std::string fgtty;  ///< The same through /dev/tty.
};
/// Waits for the next report line and consumes it.
Report expect_report(PtySession& session, Duration timeout = kEventTimeout);
Report parse_report(std::string_view text);

}  // namespace tend::tty
