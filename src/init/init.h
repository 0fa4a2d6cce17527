// SPDX-License-Identifier: MIT
// Init: the PID-1 duties as one state machine driven by signals, child exits and deadlines.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "cli/options.h"
#include "init/exit_status.h"
#include "loop/event_loop.h"
#include "loop/timers.h"
#include "sys/signals.h"
#include "terminal/terminal.h"

namespace tend {

/// Where Init is in its life; each event is handled once per phase in Init's handlers.
enum class Phase {
  kRunning,     ///< COMMAND runs; signals are forwarded.
  kStopping,    ///< A stop signal was forwarded; SIGKILL follows when grace is over.
  kCleaningUp,  ///< COMMAND ended; leftovers got SIGTERM and are waited for until grace ends.
  kDone,        ///< Nothing of ours is left.
};

const char* phase_name(Phase phase);

/// What tend was started with, captured before tend changes anything.
struct Inheritance {
  InheritedSignals signals;
  std::vector<int> fds;  ///< Open descriptors above 2.
  pid_t parent;

  static Inheritance capture();
};

class Init {
 public:
  Init(const Options& options, const Inheritance& inherited);

  /// Starts COMMAND, supervises until nothing is left, and says how tend must end.
  TendExit run();

 private:
  std::optional<TendExit> set_up();
  std::optional<TendExit> start_command();
  void release_what_command_inherited();

  void handle_signals();
  void handle_signal(const signalfd_siginfo& info);
  void handle_timers();
  void reap_children();
  void handle_command_exit(int wait_status);
  void handle_command_stopped(int stop_signal);
  void resume_command();
  void give_back_terminal();
  pid_t command_group() const { return options_.single_child ? own_group_ : command_pid_; }

  void forward(int signo);
  void begin_stop(int signo);
  void begin_cleanup();
  void escalate();
  /// Sends `signo` to every process left in tend's subtree (as PID 1: the whole namespace).
  int signal_leftovers(int signo);
  void set_phase(Phase phase);

  const Options& options_;
  const Inheritance& inherited_;
  bool is_pid1_;
  pid_t own_group_;
  std::optional<Terminal> terminal_;
  std::optional<SignalFd> signals_;
  std::optional<EventLoop> loop_;
  Timers timers_;
  Phase phase_ = Phase::kRunning;
  pid_t command_pid_ = -1;
  ChildStatus command_status_;
  bool escalated_ = false;
};

}  // namespace tend
