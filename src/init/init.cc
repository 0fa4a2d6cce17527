// SPDX-License-Identifier: MIT
// Init: the PID-1 duties as one state machine driven by signals, child exits and deadlines.
#include "init/init.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/signal_name.h"
#include "init/signal_router.h"
#include "sys/processes.h"
#include "sys/spawn.h"

namespace tend {
namespace {

void report_error(std::string_view what) { fmt::print(stderr, "tend: {}\n", what); }

TendExit failure(std::string_view what) {
  report_error(fmt::format("{}: {}", what, std::strerror(errno)));
  return {kExitTendFailure, 0};
}

/// kill(2) where a vanished target (ESRCH) is an expected outcome, not an error.
bool send_signal(pid_t target, int signo) {
  if (kill(target, signo) == 0) return true;
  if (errno != ESRCH)
    spdlog::warn("cannot send {} to {}: {}", signal_name(signo), target, std::strerror(errno));
  return false;
}

/// signal_leftovers' count when kill(-1) reached an unknown number of processes.
constexpr int kSomeProcesses = -1;

std::string describe_count(int count) {
  if (count == kSomeProcesses) return "every other process";
  return fmt::format("{} process{}", count, count == 1 ? "" : "es");
}

}  // namespace

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kRunning:
      return "running";
    case Phase::kStopping:
      return "stopping";
    case Phase::kCleaningUp:
      return "cleaning up";
    case Phase::kDone:
      return "done";
  }
  return "?";
}

Inheritance Inheritance::capture() {
  Inheritance inherited{InheritedSignals::capture(), open_fds(), getppid()};
  std::erase_if(inherited.fds, [](int fd) { return fd <= 2; });
  return inherited;
}

Init::Init(const Options& options, const Inheritance& inherited)
    : options_(options), inherited_(inherited), is_pid1_(getpid() == 1), own_group_(getpgrp()) {}

TendExit Init::run() {
  if (auto early_exit = set_up()) return *early_exit;
  std::optional<TendExit> exit = start_command();
  if (!exit) {
    release_what_command_inherited();
    // From here on COMMAND runs: failures are logged and tend carries on, because tend dying
    // would orphan COMMAND (and, as PID 1, take the whole container down with it).
    while (phase_ != Phase::kDone) {
      loop_->wait_once(timers_.earliest());
      handle_timers();
    }
    exit = decide_exit(command_status_, is_pid1_, options_.success_exits);
  }
  give_back_terminal();
  return *exit;
}

/// Setup may fail: each failure here is an error message and exit 125, before COMMAND exists.
std::optional<TendExit> Init::set_up() {
  take_over_signals();
  signals_ = SignalFd::open();
  if (!signals_) return failure("cannot create signalfd");
  loop_ = EventLoop::create();
  if (!loop_) return failure("cannot create epoll instance");
  if (!loop_->watch(signals_->fd(), [this] { handle_signals(); })) {
    return failure("cannot watch signalfd");
  }
  // Outside PID 1, orphans of the subtree would go to the real init: claim them.
  if (!is_pid1_ && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return failure("cannot become child subreaper");
  }
  if (!options_.no_tty) terminal_ = Terminal::open_controlling();
  if (options_.pdeathsig) {
    if (prctl(PR_SET_PDEATHSIG, *options_.pdeathsig) != 0) return failure("cannot set pdeathsig");
    // The parent may have died before prctl: then no signal comes, so send it ourselves.
    if (getppid() != inherited_.parent) raise(*options_.pdeathsig);
  }
  return std::nullopt;
}

std::optional<TendExit> Init::start_command() {
  SpawnRequest request;
  request.argv = options_.command;
  request.signals = &inherited_.signals;
  request.new_process_group = !options_.single_child;
  // Only a foreground tend hands the terminal on; a background job must not take it.
  if (terminal_ && request.new_process_group && terminal_->is_foreground(own_group_)) {
    request.foreground_tty = terminal_->fd();
  }
  SpawnResult result = spawn(request);
  command_pid_ = result.pid;
  if (result.ok()) {
    spdlog::info("started '{}' as pid {}", options_.command[0], command_pid_);
    return std::nullopt;
  }
  if (result.pid > 0) waitpid(result.pid, nullptr, 0);
  errno = result.error;
  if (result.stage != SpawnStage::kExec) return failure("cannot start COMMAND");
  report_error(
      fmt::format("cannot run '{}': {}", options_.command[0], std::strerror(result.error)));
  return TendExit{exit_code_for_exec_error(result.error), 0};
}

/// COMMAND has its copies now: tend drops inherited descriptors and leaves the working
/// directory, so that it pins no file and keeps no mount busy.
void Init::release_what_command_inherited() {
  close_fds(inherited_.fds);
  if (chdir("/") != 0) spdlog::warn("cannot change directory to /: {}", std::strerror(errno));
}

void Init::handle_signals() {
  for (const signalfd_siginfo& info : signals_->read_pending()) handle_signal(info);
  // SIGCHLDs merge, and one may have come with any other signal: always look for exits.
  reap_children();
}

void Init::handle_signal(const signalfd_siginfo& info) {
  int signo = static_cast<int>(info.ssi_signo);
  if (signo == SIGCHLD) return;
  spdlog::debug("received {} from pid {} while {}", signal_name(signo), info.ssi_pid,
                phase_name(phase_));
  if (terminal_ && reached_command_directly(signo, info.ssi_code == SI_KERNEL,
                                            terminal_->foreground(), command_group())) {
    spdlog::debug("not forwarding {}: the terminal sent it to COMMAND too", signal_name(signo));
    return;
  }
  // Continued by the shell's `fg`: the terminal came back to tend's group, pass it on first.
  if (signo == SIGCONT && terminal_ && phase_ != Phase::kCleaningUp && !options_.single_child &&
      terminal_->is_foreground(own_group_)) {
    terminal_->hand_to(command_pid_);
  }
  SignalAction action = route_signal(signo, options_.rewrites);
  if (action.forward == 0) {
    spdlog::info("dropped {} as asked by --rewrite", signal_name(signo));
    return;
  }
  if (action.begins_stop) {
    begin_stop(action.forward);
  } else if (phase_ == Phase::kCleaningUp) {
    spdlog::debug("not forwarding {}: COMMAND has ended", signal_name(signo));
  } else {
    forward(action.forward);
  }
}

void Init::forward(int signo) {
  bool to_group = !options_.single_child;
  pid_t target = to_group ? -command_pid_ : command_pid_;
  if (send_signal(target, signo)) {
    spdlog::info("forwarded {} to {} {}", signal_name(signo), to_group ? "process group" : "pid",
                 command_pid_);
  }
}

/// Forwards a stop signal (then SIGCONT, so that a stopped process can act on it) and starts
/// the grace period; a repeated stop signal is forwarded again but does not extend it.
void Init::begin_stop(int signo) {
  if (phase_ == Phase::kCleaningUp) {
    if (escalated_) return;
    signal_leftovers(signo);
    signal_leftovers(SIGCONT);
    return;
  }
  forward(signo);
  forward(SIGCONT);
  if (phase_ == Phase::kStopping) return;
  set_phase(Phase::kStopping);
  if (options_.grace == Millis(0)) return escalate();
  if (options_.grace != kForever) timers_.arm(TimerId::kGrace, Clock::now() + options_.grace);
}

void Init::handle_timers() {
  for (TimerId id : timers_.take_expired(Clock::now())) {
    if (id == TimerId::kGrace) escalate();
  }
}

void Init::escalate() {
  if (escalated_) return;
  escalated_ = true;
  timers_.disarm(TimerId::kGrace);
  if (phase_ == Phase::kStopping)
    send_signal(options_.single_child ? command_pid_ : -command_pid_, SIGKILL);
  int count = signal_leftovers(SIGKILL);
  spdlog::info("grace period over after {}, sent SIGKILL to {}", format_duration(options_.grace),
               describe_count(count));
}

int Init::signal_leftovers(int signo) {
  if (is_pid1_) {
    // kill(-1) reaches every process of the namespace but tend itself, atomically.
    return kill(-1, signo) == 0 ? kSomeProcesses : 0;
  }
  // A process may fork while we walk /proc: for SIGKILL, walk again until no new pid shows up.
  std::set<pid_t> signalled;
  for (int round = 0; round < (signo == SIGKILL ? 64 : 1); ++round) {
    auto leftovers = live_descendants(getpid());
    if (!leftovers) {
      spdlog::debug("no /proc: can only signal COMMAND's process group");
      return send_signal(-command_pid_, signo) ? 1 : 0;
    }
    size_t before = signalled.size();
    for (pid_t pid : *leftovers) {
      if (signalled.insert(pid).second) send_signal(pid, signo);
    }
    if (signalled.size() == before) break;
  }
  return static_cast<int>(signalled.size());
}

void Init::reap_children() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG | (terminal_ ? WUNTRACED : 0));
    if (pid > 0 && WIFSTOPPED(status)) {
      if (pid == command_pid_) handle_command_stopped(WSTOPSIG(status));
    } else if (pid > 0 && pid == command_pid_) {
      handle_command_exit(status);
    } else if (pid > 0) {
      spdlog::debug("reaped pid {} ({})", pid, ChildStatus::from_wait_status(status).describe());
    } else if (pid < 0 && errno == EINTR) {
      continue;
    } else {
      // 0: children remain, none has ended. ECHILD: no child at all, so nothing of ours is left.
      if (pid < 0 && errno == ECHILD && phase_ == Phase::kCleaningUp) set_phase(Phase::kDone);
      return;
    }
  }
}

void Init::handle_command_exit(int wait_status) {
  command_status_ = ChildStatus::from_wait_status(wait_status);
  spdlog::info("COMMAND (pid {}) ended with {}", command_pid_, command_status_.describe());
  begin_cleanup();
}

/// COMMAND is gone; its leftovers get SIGTERM (and SIGCONT) and what is left of the grace period.
void Init::begin_cleanup() {
  bool was_stopping = phase_ == Phase::kStopping;
  set_phase(Phase::kCleaningUp);
  if (escalated_) return;
  int count = signal_leftovers(SIGTERM);
  if (count == 0) return;  // Nothing to wait for; the reap loop sees ECHILD and ends.
  signal_leftovers(SIGCONT);
  spdlog::info("COMMAND left processes behind, sent SIGTERM to {}", describe_count(count));
  if (was_stopping) return;  // The grace timer already runs.
  if (options_.grace == Millis(0)) return escalate();
  if (options_.grace != kForever) timers_.arm(TimerId::kGrace, Clock::now() + options_.grace);
}

/// COMMAND stopped itself or was stopped by the terminal (Ctrl-Z, or reading it in the
/// background). Under a shell, tend stops too, so that the shell sees its job stopped and
/// `fg`/`bg` work; as session leader (a container) nobody could resume it, so tend does.
void Init::handle_command_stopped(int stop_signal) {
  spdlog::info("COMMAND (pid {}) stopped by {}", command_pid_, signal_name(stop_signal));
  if (getsid(0) == getpid() || !stop_self(stop_signal)) resume_command();
}

void Init::resume_command() {
  pid_t foreground = terminal_->foreground();
  if (foreground == own_group_ || foreground == command_group())
    terminal_->hand_to(command_group());
  forward(SIGCONT);
}

/// Leaves the terminal as tend found it: foreground group back, and the settings too when
/// COMMAND died of a signal and so had no chance to restore them itself.
void Init::give_back_terminal() {
  if (!terminal_) return;
  if (command_pid_ > 0 && terminal_->is_foreground(command_group()) &&
      command_group() != own_group_) {
    terminal_->hand_to(own_group_);
  }
  if (command_status_.signaled) terminal_->restore_settings();
}

void Init::set_phase(Phase phase) {
  spdlog::debug("phase {} -> {}", phase_name(phase_), phase_name(phase));
  phase_ = phase;
}

}  // namespace tend
