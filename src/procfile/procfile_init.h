// SPDX-License-Identifier: MIT
// ProcfileInit: tend's PID-1 duties for the several services of a Procfile (--procfile), each
// in a process group of its own, with their output relayed under their names.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "init/exit_status.h"
#include "init/init.h"
#include "init/subtree.h"
#include "loop/event_loop.h"
#include "loop/timers.h"
#include "procfile/output_sink.h"
#include "procfile/relay_buffer.h"
#include "service/notify.h"
#include "service/ready_file.h"
#include "service/restart.h"
#include "sys/accounts.h"

namespace spdlog {
class logger;
}

namespace tend {

/// One line of the Procfile, and the state of its current run.
struct Service {
  Service(std::string service_name, std::vector<std::string> words, const Options& options)
      : name(std::move(service_name)), argv(std::move(words)), restarts(options) {}

  std::string name;
  std::vector<std::string> argv;
  std::string prefix;  ///< "name | ", padded to the longest name.
  RestartTracker restarts;
  std::optional<NotifySocket> notify;  ///< Its own: a datagram on it is this service's.
  std::array<UniqueFd, 2> output;      ///< Reading ends of its stdout and stderr pipes.
  std::array<UniqueFd, 2> output_to;   ///< Their writing ends, handed to every run.
  std::array<LineAssembler, 2> lines;

  pid_t pid = -1;  ///< The running main process, not yet reaped; -1 between runs.
  TimePoint started;
  bool failed = false;  ///< This run failed (status, readiness, watchdog).
  bool ready = false;
  bool done = false;  ///< Ended, and will not be started again.
  std::optional<Millis> watchdog;
  std::optional<TimePoint> restart_at, ready_by, watchdog_by, kill_at;

  bool is_running() const { return pid > 0; }
};

class ProcfileInit {
 public:
  ProcfileInit(const Options& options, const Inheritance& inherited);
  ~ProcfileInit();

  /// Starts every service, supervises until nothing is left, and says how tend must end.
  TendExit run();

 private:
  // Setup (procfile_init.cc): may fail, with exit 125, before any service starts.
  std::optional<TendExit> load_services();
  std::optional<TendExit> set_up();
  std::optional<TendExit> set_up_service(size_t index);

  // Events (procfile_init.cc).
  void handle_signal(const ReceivedSignal& received);
  void reap_children();
  std::optional<TimePoint> earliest_deadline() const;
  void handle_deadlines();
  void handle_service_deadlines(Service& service, TimePoint now);

  // Stopping everything (procfile_init.cc).
  int stop_signal() const;
  int signal_services(int signo);
  void request_stop(int signo);
  void stop_all(int signo);
  void begin_cleanup();
  void start_grace_period();
  void escalate();
  /// SIGKILL went out: the give-up timer runs from then until tend is done.
  bool has_escalated() const { return timers_.is_armed(TimerId::kGiveUp); }
  void give_up_waiting();
  int signal_leftovers(int signo);
  void finish();
  void set_phase(Phase phase);
  TendExit decide_exit_status() const;

  // Runs of each service (services.cc).
  void start_all();
  void start_service(Service& service);
  void end_service(Service& service, pid_t pid, ChildStatus status, bool could_start = true);
  void keep_status(const Service& service, ChildStatus status);
  void fail_service(Service& service, const std::string& why);
  void mark_ready(Service& service);
  void update_readiness();
  void arm_watchdog(Service& service);
  void handle_notifications(Service& service);
  void pause_notifications();
  void resume_notifications();
  void handle_notification(Service& service, const NotifyMessage& message);
  void notify_upstream(const std::string& text) const;

  // Output relay (relay.cc).
  std::optional<TendExit> set_up_relay();
  void handle_output(Service& service, int stream);
  void relay_lines(Service& service, int stream, std::string_view data);
  void drain_output(Service& service);
  void flush_sink(int stream);
  void finish_output();

  const Options& options_;
  const Inheritance& inherited_;
  Subtree subtree_;
  std::vector<Service> services_;
  std::optional<EventLoop> loop_;
  std::optional<Account> account_;
  std::string upstream_notify_;
  UniqueFd null_stdin_;  ///< /dev/null for services when tend's stdin is a terminal.
  Timers timers_;        ///< kGrace, kStopDelay, kGiveUp, kNotifyPause; the rest are per service.
  Phase phase_ = Phase::kRunning;

  std::array<std::unique_ptr<OutputSink>, 2> sinks_;  ///< tend's stdout and stderr; none with
                                                      ///< --no-prefix.
  std::array<bool, 2> sink_watched_{};
  std::shared_ptr<spdlog::logger> previous_logger_;  ///< Put back when the relay goes.

  int pending_stop_signal_ = 0;
  bool stop_requested_ = false;
  bool all_ready_ = false;
  ReadyFile ready_file_;
  bool told_upstream_ready_ = false;
  bool pdeathsig_pending_ = false;
  std::optional<ChildStatus> status_;  ///< The first service to end for good decides the exit.
  bool status_failed_ = false;
};

}  // namespace tend
