// SPDX-License-Identifier: MIT
// Init: the PID-1 duties as one state machine driven by signals, child exits and deadlines.
#include "init/init.h"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "init/report.h"
#include "init/signal_router.h"
#include "service/environment.h"
#include "sys/code_pages.h"
#include "sys/pidfd.h"
#include "sys/processes.h"
#include "sys/signal_name.h"

namespace tend {
namespace {

/// How long after COMMAND starts tend lets go of the pages that starting up mapped in: a COMMAND
/// that ends sooner (`tend -- true`) never pays for mapping back the ones tend needs to finish.
constexpr std::chrono::milliseconds kReleasePagesAfter{100};

/// Has `loop` release start-up's pages kReleasePagesAfter from now, through the returned timer
/// (kept open while the loop runs; it fires once); at once when no timer can be had.
UniqueFd release_pages_later(EventLoop& loop) {
  UniqueFd timer = one_shot_timer(kReleasePagesAfter);
  int fd = timer.get();
  if (!timer.is_open() || !loop.watch(fd, [fd] {
        uint64_t expirations = 0;
        if (read(fd, &expirations, sizeof expirations) > 0) release_start_up_pages();
      })) {
    release_start_up_pages();
  }
  return timer;
}

std::string describe_count(int count) {
  if (count == Subtree::kSomeProcesses) return "every other process";
  if (count == Subtree::kUnseenProcesses) return "whatever is left (no usable /proc to see it)";
  return fmt::format("{} process{}", count, count == 1 ? "" : "es");
}

}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kStarting:
      return "starting";
    case Phase::kRunning:
      return "running";
    case Phase::kStopping:
      return "stopping";
    case Phase::kCleaningUp:
      return "cleaning up";
    case Phase::kBackingOff:
      return "backing off";
    case Phase::kDone:
      return "done";
  }
  return "?";
}

Inheritance Inheritance::capture() {
  return {InheritedSignals::capture(), getppid(), current_environment()};
}

SpawnRequest spawn_request_for(std::vector<std::string> argv, const CommandEnvironment& settings,
                               const Inheritance& inherited, const Options& options,
                               const std::optional<Account>& account) {
  SpawnRequest request;
  request.argv = std::move(argv);
  request.env = build_command_environment(inherited.env, settings);
  request.env_pid_names = command_pid_variables(settings);
  request.signals = &inherited.signals;
  request.account = account ? &*account : nullptr;
  request.no_new_privs = options.no_new_privs;
  return request;
}

Init::Init(const Options& options, const Inheritance& inherited)
    : options_(options),
      inherited_(inherited),
      own_group_(getpgrp()),
      restarts_(options),
      ready_file_(options.ready_file) {
  if (!options.pidfile.empty()) pid_file_.emplace(options.pidfile);
}

TendExit Init::run() {
  if (auto early_exit = set_up()) return *early_exit;
  ready_file_.remove_stale();
  std::optional<TendExit> exit = start_run();
  if (!exit) exit = supervise();
  give_back_terminal();
  ready_file_.remove();
  return *exit;
}

/// From here on COMMAND runs: failures are logged and tend carries on, because tend dying would
/// orphan COMMAND (and, as PID 1, take the whole container down with it).
TendExit Init::supervise() {
  if (pdeathsig_pending_) handle_signal(ReceivedSignal{*options_.pdeathsig, 0, SI_USER});
  if (!options_.restarts()) release_what_command_inherited();
  UniqueFd page_timer = release_pages_later(*loop_);
  while (phase_ != Phase::kDone) {
    loop_->wait_once(timers_.earliest());
    handle_timers();
  }
  if (exit_override_) return {*exit_override_, 0};
  return decide_exit(run_.status, subtree_.is_pid1(), options_.success_exits);
}

/// Setup may fail: each failure here is an error message and exit 125, before COMMAND exists.
std::optional<TendExit> Init::set_up() {
  take_over_signals(inherited_.signals);
  loop_ = EventLoop::create([this](const ReceivedSignal& received) { handle_signal(received); });
  if (!loop_) return system_failure("cannot create a signalfd");
  // Outside PID 1, orphans of the subtree would go to the real init: claim them.
  if (!subtree_.is_pid1() && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return system_failure("cannot become child subreaper");
  }
  if (!options_.no_tty) terminal_ = Terminal::open_controlling();
  if (options_.pdeathsig) {
    if (prctl(PR_SET_PDEATHSIG, *options_.pdeathsig) != 0) {
      return system_failure("cannot set pdeathsig");
    }
    // The parent may have died before prctl: then no signal comes, so handle it as one once
    // COMMAND runs (a raised signal would come from tend itself, which tend never forwards).
    pdeathsig_pending_ = getppid() != inherited_.parent;
  }
  return set_up_supervision();
}

std::optional<TendExit> Init::set_up_supervision() {
  if (!options_.user.empty()) {
    std::string error;
    account_ = resolve_account(options_.user, error);
    if (!account_)
      return usage_failure(fmt::format("invalid --user '{}': {}", options_.user, error));
  }
  notify_ = NotifySocket::create();
  if (!notify_) return system_failure("cannot create the notify socket");
  if (!subtree_.reserve_proc_walk()) {
    return system_failure("cannot keep descriptors in reserve for /proc");
  }
  if (!loop_->watch(notify_->fd(), [this] { handle_notifications(); })) {
    return system_failure("cannot watch the notify socket");
  }
  if (const char* upstream = getenv("NOTIFY_SOCKET")) upstream_notify_ = upstream;
  listen_fds_ = inherited_listen_fds();
  return std::nullopt;
}

/// COMMAND has its copies now: tend drops inherited descriptors and leaves the working
/// directory, so that it pins no file and keeps no mount busy. Not when it restarts COMMAND.
void Init::release_what_command_inherited() {
  close_inherited_fds();
  if (chdir("/") != 0) spdlog::warn("cannot change directory to /: {}", std::strerror(errno));
}

void Init::handle_signal(const ReceivedSignal& received) {
  int signo = received.signo;
  // Every exit queues a SIGCHLD (blocked, never ignored), though several merge into one.
  if (signo == SIGCHLD) return reap_children();
  // tend's own: the SIGPIPE of a write to a closed stderr, or anything else it raised. Passing it
  // on would kill COMMAND for tend's fault, and logging it could raise it again.
  if (received.sender == subtree_.self()) return;
  spdlog::debug("received {} from pid {} while {}", SignalLabel{signo}, received.sender,
                phase_name(phase_));
  if (terminal_ && reached_command_directly(signo, received.sent_by_kernel(),
                                            terminal_->foreground(), command_group())) {
    spdlog::debug("not forwarding {}: the terminal sent it to COMMAND too", SignalLabel{signo});
    return;
  }
  if (signo == SIGCONT) pass_terminal_on();
  SignalAction action = route_signal(signo, options_.rewrites);
  if (action.forward == 0) {
    spdlog::info("dropped {} as asked by --rewrite", SignalLabel{signo});
  } else if (action.begins_stop) {
    request_stop(action.forward);
  } else if (phase_ == Phase::kRunning || phase_ == Phase::kStopping ||
             phase_ == Phase::kStarting) {
    forward(action.forward);
  } else {
    spdlog::debug("not forwarding {}: no main process while {}", SignalLabel{signo},
                  phase_name(phase_));
  }
}

void Init::handle_timers() {
  if (!timers_.any_armed()) return;  // Nothing armed: no clock read on the hot path.
  std::vector<TimerId> expired = timers_.take_expired(Clock::now());
  if (expired.empty()) return;
  for (TimerId id : expired) {
    switch (id) {
      case TimerId::kGrace:
        escalate();
        break;
      case TimerId::kStopDelay:
        begin_stop(std::exchange(run_.pending_stop_signal, 0));
        break;
      case TimerId::kBackoff:
        start_run();
        break;
      case TimerId::kReady:
        handle_ready_timeout();
        break;
      case TimerId::kWatchdog:
        handle_watchdog_timeout();
        break;
      case TimerId::kPidFile:
        handle_pid_file_timeout();
        break;
      case TimerId::kNotifyPause:
        resume_notifications();
        break;
      case TimerId::kGiveUp:
        give_up_waiting();
        break;
      case TimerId::kCount:
        break;
    }
  }
  reap_children();  // A run that failed may have had nothing left to wait for.
}

void Init::reap_children() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG | (terminal_ ? WUNTRACED : 0));
    if (pid > 0 && WIFSTOPPED(status)) {
      if (pid == run_.command_pid && !run_.command_reaped) handle_command_stopped(WSTOPSIG(status));
      continue;
    }
    if (pid > 0 && pid == run_.command_pid) run_.command_reaped = true;
    // An adopted main process is this pid only if its pidfd says it ended: else the pid is reused.
    bool is_main = pid > 0 && pid == run_.main_pid &&
                   (!run_.main_pidfd.is_open() || has_exited(run_.main_pidfd.get()));
    if (is_main && phase_ != Phase::kCleaningUp) {
      handle_run_ended(ChildStatus::from_wait_status(status));
    } else if (pid > 0 && pid == run_.command_pid && phase_ == Phase::kStarting) {
      handle_launcher_exit(ChildStatus::from_wait_status(status));
    } else if (pid > 0) {
      spdlog::debug("reaped pid {} ({})", pid, ChildStatus::from_wait_status(status));
    } else if (pid < 0 && errno == EINTR) {
      continue;
    } else {
      // 0: children remain, none has ended. ECHILD: no child at all, so nothing of ours is left.
      if (pid < 0 && errno == ECHILD && phase_ == Phase::kCleaningUp) handle_run_cleaned_up();
      return;
    }
  }
}

void Init::forward(int signo) {
  if (signal_main(signo)) {
    bool group = run_.main_pid > 0 ? run_.main_group > 0 : !options_.single_child;
    spdlog::info("forwarded {} to {} {}", SignalLabel{signo}, group ? "process group" : "pid",
                 run_.main_pid > 0 ? run_.main_pid : run_.command_pid);
  }
}

bool Init::signal_main(int signo) {
  if (run_.main_pid < 0) {  // A daemon's launcher, still starting.
    if (run_.command_pid < 0) return false;
    // The launcher is reaped: its pid and group id may be anyone's now. What it left behind is
    // found below tend instead.
    if (run_.command_reaped) return signal_leftovers(signo) != 0;
    return send_signal(options_.single_child ? run_.command_pid : -run_.command_pid, signo);
  }
  if (run_.main_pidfd.is_open()) {
    // Its group if it leads one now: a daemon may call setsid() after writing its pid file, so
    // what it led at adoption says nothing. ESRCH for the group: it leads none (or is gone).
    int fd = run_.main_pidfd.get();
    if (!options_.single_child && signal_by_pidfd(fd, run_.main_pid, signo, true)) return true;
    if (signal_by_pidfd(fd, run_.main_pid, signo, false)) return true;
    if (errno != ESRCH) {
      spdlog::warn("cannot send {} to pid {}: {}", SignalLabel{signo}, run_.main_pid,
                   std::strerror(errno));
    }
    return false;
  }
  // COMMAND itself, not yet reaped (its end moves the run out of the phases that signal it).
  return send_signal(run_.main_group > 0 ? -run_.main_group : run_.main_pid, signo);
}

/// A stop signal: no restart follows. With --stop-delay the signal waits, unless it is the
/// second one; in a back-off wait tend ends at once.
void Init::request_stop(int signo) {
  if (!stop_requested_) notify_upstream("STOPPING=1");
  stop_requested_ = true;
  if (phase_ == Phase::kBackingOff) {
    timers_.disarm(TimerId::kBackoff);
    return set_phase(Phase::kDone);
  }
  bool delaying = timers_.is_armed(TimerId::kStopDelay);
  if (phase_ == Phase::kRunning && options_.stop_delay > Millis(0) && !delaying) {
    spdlog::info("got {}, forwarding it in {}", SignalLabel{signo},
                 format_duration(options_.stop_delay));
    run_.pending_stop_signal = signo;
    timers_.arm(TimerId::kStopDelay, deadline_after(Clock::now(), options_.stop_delay));
    return;
  }
  timers_.disarm(TimerId::kStopDelay);
  run_.pending_stop_signal = 0;
  begin_stop(signo);
}

/// Forwards a stop signal (then SIGCONT, so that a stopped process can act on it) and starts
/// the grace period; a repeated stop signal is forwarded again but does not extend it.
void Init::begin_stop(int signo) {
  if (phase_ == Phase::kCleaningUp || phase_ == Phase::kStarting) {
    if (has_escalated()) return;
    signal_leftovers(signo);
    signal_leftovers(SIGCONT);
    if (phase_ == Phase::kStarting && run_.launcher_exited) {
      // Waiting for a pid file: stop waiting, wait for the leftovers.
      stop_waiting_for_pid_file();
      set_phase(Phase::kCleaningUp);
      reap_children();  // Perhaps nothing is left to wait for.
    }
    // Cleaning up with no grace period running (nothing was seen to be left): one starts now,
    // so that a stop always ends.
    if (phase_ == Phase::kDone) return;
  } else {
    forward(signo);
    forward(SIGCONT);
  }
  if (phase_ == Phase::kStopping || timers_.is_armed(TimerId::kGrace)) return;
  if (phase_ == Phase::kRunning) set_phase(Phase::kStopping);
  start_grace_period();
}

/// SIGKILL follows when the grace period is over: at once for 0, never for inf.
void Init::start_grace_period() {
  if (options_.grace == Millis(0)) return escalate();
  if (options_.grace != kForever)
    timers_.arm(TimerId::kGrace, deadline_after(Clock::now(), options_.grace));
}

void Init::escalate() {
  if (has_escalated()) return;
  timers_.disarm(TimerId::kGrace);
  std::string main;
  if (phase_ == Phase::kStopping) {
    signal_main(SIGKILL);
    main = fmt::format("{} {} and ", run_.main_group > 0 ? "process group" : "pid", run_.main_pid);
    // The killed processes exit in their own time slices: on a shared CPU, the walk through /proc
    // below would hold them up. Let them go first.
    sched_yield();
  }
  int count = signal_leftovers(SIGKILL);
  spdlog::info("grace period over after {}, sent SIGKILL to {}{}", format_duration(options_.grace),
               main, count < 0 ? describe_count(count) : describe_count(count) + " more");
  timers_.arm(TimerId::kGiveUp, Clock::now() + Subtree::kGiveUpMargin);
}

/// The give-up margin after SIGKILL is over: a stop or cleanup ends even with processes left.
void Init::give_up_waiting() {
  if (phase_ != Phase::kCleaningUp && phase_ != Phase::kStopping) return;
  if (!Subtree::give_up_waiting()) return;
  if (phase_ == Phase::kStopping) {
    run_.status = {true, SIGKILL};
    set_phase(Phase::kCleaningUp);
  }
  handle_run_cleaned_up();
}

int Init::signal_leftovers(int signo) {
  return subtree_.signal_leftovers(signo, [this, signo] {
    // Without /proc, COMMAND's group is still known while COMMAND is unreaped.
    spdlog::debug("no usable /proc: can only signal COMMAND's process group");
    if (!run_.command_reaped && run_.command_pid > 0 && !options_.single_child) {
      send_signal(-run_.command_pid, signo);
    }
  });
}

/// The main process is gone; leftovers get SIGTERM (and SIGCONT) and what is left of the grace
/// period. When nothing is left the reap loop sees ECHILD and the run is over at once.
void Init::begin_cleanup() {
  set_phase(Phase::kCleaningUp);
  if (has_escalated()) return;
  int count = signal_leftovers(SIGTERM);
  if (count == 0) return;
  signal_leftovers(SIGCONT);
  spdlog::info("sent SIGTERM to what is left of the run: {}", describe_count(count));
  if (timers_.is_armed(TimerId::kGrace)) return;  // A stop began: its grace period goes on.
  start_grace_period();
}

void Init::set_phase(Phase phase) {
  if (phase == phase_) return;
  spdlog::debug("phase {} -> {}", phase_name(phase_), phase_name(phase));
  phase_ = phase;
}

}  // namespace tend
