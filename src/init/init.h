// SPDX-License-Identifier: MIT
// Init: the PID-1 duties as one state machine driven by signals, child exits and deadlines.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "init/exit_status.h"
#include "init/run.h"
#include "init/subtree.h"
#include "loop/event_loop.h"
#include "loop/timers.h"
#include "service/environment.h"
#include "service/notify.h"
#include "service/pidfile.h"
#include "service/ready_file.h"
#include "service/restart.h"
#include "sys/accounts.h"
#include "sys/signals.h"
#include "sys/spawn.h"
#include "sys/unique_fd.h"
#include "terminal/terminal.h"

namespace tend {

/// Where Init is in its life; each event is handled once per phase in Init's handlers.
enum class Phase {
  kStarting,    ///< --pidfile: the launcher runs, or tend waits for the pid file it writes.
  kRunning,     ///< The main process runs; signals are forwarded.
  kStopping,    ///< A stop signal was forwarded; SIGKILL follows when grace is over.
  kCleaningUp,  ///< The main process ended; leftovers got SIGTERM and are waited for.
  kBackingOff,  ///< Nothing is left of the last run; the next one starts when the delay is over.
  kDone,        ///< Nothing of ours is left and nothing will start again.
};

const char* phase_name(Phase phase);

/// What tend was started with, captured before tend changes anything.
struct Inheritance {
  InheritedSignals signals;
  pid_t parent;
  std::vector<std::string> env;

  static Inheritance capture();
};

/// What every process tend starts (COMMAND, a service) shares: its words, the environment tend
/// prepares for it, the signal state tend inherited, the user it runs as and --no-new-privs.
SpawnRequest spawn_request_for(std::vector<std::string> argv, const CommandEnvironment& settings,
                               const Inheritance& inherited, const Options& options,
                               const std::optional<Account>& account);

class Init {
 public:
  Init(const Options& options, const Inheritance& inherited);

  /// Starts COMMAND, supervises until nothing is left, and says how tend must end.
  TendExit run();

 private:
  // Setup (init.cc): may fail, with exit 125.
  std::optional<TendExit> set_up();
  std::optional<TendExit> set_up_supervision();
  void release_what_command_inherited();
  /// Runs the event loop until nothing is left, and says how tend must end.
  TendExit supervise();

  // Events (init.cc).
  void handle_signal(const ReceivedSignal& received);
  void handle_timers();
  void reap_children();

  // Stopping (init.cc).
  void forward(int signo);
  /// Sends `signo` to the main process (its group unless -c), or while a daemon's launcher
  /// starts, to the launcher; false when nothing was signalled. Never to a pid or group id whose
  /// process tend has reaped or can no longer prove to be the one it started or adopted.
  bool signal_main(int signo);
  void request_stop(int signo);
  void begin_stop(int signo);
  void begin_cleanup();
  void start_grace_period();
  void escalate();
  /// SIGKILL went out: the give-up timer runs from then until the run is over.
  bool has_escalated() const { return timers_.is_armed(TimerId::kGiveUp); }
  /// Sends `signo` to every process left in tend's subtree (as PID 1: the whole namespace).
  int signal_leftovers(int signo);
  void give_up_waiting();
  void set_phase(Phase phase);

  // Runs of COMMAND (runs.cc).
  std::optional<TendExit> start_run();
  std::optional<TendExit> handle_start_failure(TendExit exit);
  void handle_launcher_exit(ChildStatus status);
  void adopt_pid_file();
  void watch_pid_file();
  void adopt_main_process(pid_t pid, const char* how);
  /// Holds a process that tend did not just fork by a pidfd, once /proc shows it below tend;
  /// false (with the reason logged) when it cannot be proven to be tend's.
  bool hold_main_process(pid_t pid, const char* how);
  void handle_adopted_process_exit();
  void release_main_process();
  void stop_waiting_for_pid_file();
  void handle_pid_file_timeout();
  void handle_pid_file_failure(const std::string& why);
  void handle_run_ended(ChildStatus status);
  void handle_run_cleaned_up();
  void mark_ready();
  /// A ready signal from COMMAND itself (READY=1, --ready-fd, the pid file): kept if it comes
  /// before the main process is known, and the only kind passed upward.
  void report_ready();
  void handle_ready_timeout();
  void handle_watchdog_timeout();
  void stop_failed_run(const std::string& why);
  void arm_watchdog();
  void handle_notifications();
  /// Whether tend holds `pid` as the run's: COMMAND before it is reaped, or the main process
  /// by its pidfd while that is alive.
  bool holds_process(pid_t pid) const;
  void pause_notifications();
  void resume_notifications();
  void handle_notification(const NotifyMessage& message);
  void handle_ready_fd();
  void stop_reading_ready_pipe();
  void notify_upstream(const std::string& text) const;

  // Terminal (job_control.cc).
  void handle_command_stopped(int stop_signal);
  void resume_command();
  void pass_terminal_on();
  void give_back_terminal();
  pid_t command_group() const { return options_.single_child ? own_group_ : run_.command_pid; }

  const Options& options_;
  const Inheritance& inherited_;
  Subtree subtree_;
  pid_t own_group_;
  std::optional<EventLoop> loop_;
  std::optional<Terminal> terminal_;
  std::optional<NotifySocket> notify_;
  std::optional<Account> account_;
  std::optional<int> listen_fds_;
  std::string upstream_notify_;
  Timers timers_;
  Phase phase_ = Phase::kStarting;
  RestartTracker restarts_;
  std::optional<PidFile> pid_file_;
  ReadyFile ready_file_;

  Run run_;  ///< The current run, or the last one once tend is done.

  // Across runs.
  bool stop_requested_ = false;
  bool pdeathsig_pending_ = false;  ///< The parent died before prctl could arm the signal.
  bool told_upstream_ready_ = false;
  std::optional<int> exit_override_;
};

}  // namespace tend
