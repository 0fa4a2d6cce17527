// SPDX-License-Identifier: MIT
// What the supervisor tests add to the harness: the helper's timestamps and fields, an
// upward notify socket that plays systemd, and small waits on files and signals.
#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "tend_run.h"

namespace tend::e2e {

/// The moment in a helper line's " t=NANOSECONDS" (CLOCK_MONOTONIC, the steady_clock's clock).
Clock::time_point stamp_of(const std::string& line);
/// Value of " key=VALUE" in a line, e.g. field_of("start pid=7 t=1", "pid") == "7".
std::string field_of(const std::string& line, const std::string& key);
/// For every run after the first: milliseconds from the previous run's end ("exit"/"kill-self"
/// line) to this run's "start" line.
std::vector<long long> restart_gaps_ms(const std::vector<std::string>& lines);
/// stderr lines that contain `text`.
std::vector<std::string> stderr_lines_with(TendRun& run, const std::string& text);
/// Waits until tend's stderr contains `text`.
void wait_for_stderr(TendRun& run, const std::string& text, Duration timeout = kEventTimeout);

/// COMMAND has become ready under --ready-file and waits in `signals-until TERM`: waits for the
/// ready file, then stops tend with SIGTERM and expects COMMAND's exit 0.
void expect_ready_then_clean_stop(TendRun& run, const std::string& ready_file);
/// Whether an abstract unix socket "@name" (given with its '@') is bound right now.
bool abstract_socket_bound(const std::string& at_name);
/// Whether a NOTIFY_SOCKET address (path or "@name") is bound right now.
bool notify_socket_exists(const std::string& address);

/// Sends one datagram from the test process itself (outside tend's subtree) to a NOTIFY_SOCKET
/// address. Returns false when the send failed.
bool send_datagram(const std::string& address, const std::string& text);

/// Waits until `pid` no longer has `signo` pending: tend has taken it.
void wait_signal_taken(TendRun& run, pid_t pid, int signo);

/// Sends `signo` to tend until `line` shows up: tend adopts a daemon some time after its
/// launcher exits, and a signal before that has nobody to go to.
void signal_until_line(TendRun& run, int signo, const std::string& line);

/// Stops tend with SIGTERM, waits for the process tagged `tag` to print that it got it, and
/// returns how tend ended (see TendRun::stop).
std::string stop_through(TendRun& run, const std::string& tag);

/// A process of the test's, not tend's: it dies of any signal tend might forward, and is killed
/// and reaped when this goes away. With `wanted_pid` it is created with that pid (clone3's
/// set_tid), in the test's PID namespace: what a pid recycled by the kernel looks like.
class Stranger {
 public:
  struct Options {
    pid_t wanted_pid = 0;        ///< 0: any pid.
    bool own_group = false;      ///< Leads a process group of its own (group id = pid).
    std::string notify_address;  ///< When set, sends `notify_text` there first.
    std::string notify_text = "READY=1";
  };
  explicit Stranger(const Options& options);
  ~Stranger();
  Stranger(const Stranger&) = delete;
  Stranger& operator=(const Stranger&) = delete;

  pid_t pid() const { return pid_; }
  /// Still alive: no signal reached it.
  bool is_untouched() const;

 private:
  pid_t pid_ = -1;
};

/// The socket a service manager gives tend as its NOTIFY_SOCKET: collects what tend says upward.
class UpwardSocket {
 public:
  explicit UpwardSocket(const std::string& path);
  ~UpwardSocket();
  UpwardSocket(const UpwardSocket&) = delete;
  UpwardSocket& operator=(const UpwardSocket&) = delete;

  const std::string& path() const { return path_; }
  /// "NOTIFY_SOCKET=path", for Launch::env.
  std::string env() const { return "NOTIFY_SOCKET=" + path_; }
  /// Waits for a datagram with the line `assignment` (e.g. "READY=1"); pumps `run`'s output
  /// meanwhile. False on timeout.
  bool wait_for(TendRun& run, const std::string& assignment, Duration timeout);
  /// Every datagram received so far.
  const std::vector<std::string>& messages() const { return messages_; }
  bool has(const std::string& assignment) const;
  std::string describe() const;

 private:
  void take_pending();

  std::string path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

/// What an attack on --ready-file aims at: a root-only file in a private directory, and the
/// ready file's path in a directory of its own, which COMMAND may be given to share.
struct ReadyFileTarget {
  static constexpr const char* kSecret = "root only\n";
  TempDir dir;
  TempDir private_dir;
  std::string secret = private_dir.file("secret", kSecret, 0600);
  std::string ready = dir.path() + "/ready";

  /// Puts a symlink to the secret where the ready file goes.
  void plant_symlink() const;
  /// The secret holds what it held, with its mode.
  bool secret_is_intact() const;
};

}  // namespace tend::e2e
