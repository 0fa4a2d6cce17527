// SPDX-License-Identifier: MIT
// Init's runs of COMMAND: start, main process (also from a pid file), readiness, watchdog,
// sd_notify, and what follows a run: a restart after a back-off, or the end.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "init/init.h"
#include "init/report.h"
#include "service/environment.h"
#include "service/printable.h"
#include "sys/pidfd.h"
#include "sys/processes.h"
#include "sys/spawn.h"

namespace tend {
namespace {

/// Reports why COMMAND could not be started and says what tend's exit would be.
TendExit report_spawn_failure(const SpawnResult& result, const std::string& command) {
  errno = result.error;
  if (result.stage != SpawnStage::kExec) return system_failure("cannot start COMMAND");
  report_error(
      fmt::format("cannot run '{}': {}", command, describe_exec_error(command, result.error)));
  return {exit_code_for_exec_error(result.error), 0};
}

}  // namespace

/// Starts one run. On the first run a failure to start is tend's exit; on a restart it counts as
/// a failed run, and the restart policy decides what follows.
std::optional<TendExit> Init::start_run() {
  release_main_process();
  stop_reading_ready_pipe();
  run_ = Run{.started = Clock::now(), .watchdog = options_.watchdog};
  set_phase(Phase::kStarting);
  if (pid_file_) pid_file_->begin_run();

  CommandEnvironment settings{notify_->address(), listen_fds_, options_.watchdog,
                              account_ ? std::optional(account_->home) : std::nullopt};
  SpawnRequest request =
      spawn_request_for(options_.command, settings, inherited_, options_, account_);
  request.new_process_group = !options_.single_child;
  // Only a foreground tend hands the terminal on; a background job must not take it.
  if (terminal_ && request.new_process_group && terminal_->is_foreground(own_group_)) {
    request.foreground_tty = terminal_->fd();
  }
  Pipe ready;
  if (options_.ready_fd) {
    ready = make_pipe();
    if (!ready.read_end.is_open())
      return handle_start_failure(system_failure("cannot create the ready pipe"));
    request.ready_fd = *options_.ready_fd;
    request.ready_fd_source = ready.write_end.get();
  }

  SpawnResult result = spawn(request);
  run_.command_pid = result.pid;
  if (!result.ok()) {
    if (result.pid > 0) {
      waitpid(result.pid, nullptr, 0);
      run_.command_reaped = true;
    }
    return handle_start_failure(report_spawn_failure(result, options_.command[0]));
  }
  if (ready.read_end.is_open()) {
    run_.ready_pipe = std::move(ready.read_end);
    if (!loop_->watch(run_.ready_pipe.get(), [this] { handle_ready_fd(); })) {
      spdlog::warn("cannot watch the ready pipe: {}", std::strerror(errno));
    }
  }
  if (options_.pidfile.empty()) adopt_main_process(run_.command_pid, "started");
  return std::nullopt;
}

/// COMMAND could not be started (no ready pipe, no fork, or a failed exec): on the first run that
/// is tend's exit; on a restart it is a failed run, and the restart policy decides what follows
/// (never a run left without a process).
std::optional<TendExit> Init::handle_start_failure(TendExit exit) {
  if (restarts_.restarts() == 0) return exit;
  run_.status = {false, exit.code};
  run_.failed = true;
  handle_run_cleaned_up();
  return std::nullopt;
}

/// --pidfile: the launcher ended. Success means its daemon should have written the pid file.
void Init::handle_launcher_exit(ChildStatus status) {
  run_.launcher_exited = true;
  run_.status = status;
  if (stop_requested_) return handle_run_ended(status);
  if (status.shell_code() != 0) {
    return handle_pid_file_failure(fmt::format("COMMAND ended with {} before writing pid file '{}'",
                                               status.describe(), options_.pidfile));
  }
  adopt_pid_file();
}

void Init::adopt_pid_file() {
  if (phase_ != Phase::kStarting || !run_.launcher_exited) return;
  watch_pid_file();
  PidFileRead read = pid_file_->read();
  if (read.problem) {
    return handle_pid_file_failure(
        fmt::format("pid file '{}' {}", options_.pidfile, *read.problem));
  }
  if (!read.pid) return;  // Not written yet, or not complete: the watch or the timeout wakes tend.
  if (!hold_main_process(*read.pid, "in the pid file")) {
    return handle_pid_file_failure(fmt::format(
        "pid {} in pid file '{}' is not a process started by tend", *read.pid, options_.pidfile));
  }
  adopt_main_process(*read.pid, "read from the pid file");
  report_ready();  // A forking daemon is ready once it has written its pid file.
}

/// Watches the pid file's path before it is read, so that a write just after the read wakes tend.
void Init::watch_pid_file() {
  if (!timers_.is_armed(TimerId::kPidFile)) {
    timers_.arm(TimerId::kPidFile, deadline_after(Clock::now(), options_.pidfile_timeout));
  }
  if (pid_file_->is_watched()) return;
  if (!pid_file_->watch()) {
    spdlog::warn("cannot watch pid file '{}': {}", options_.pidfile, std::strerror(errno));
    return;
  }
  bool watched = loop_->watch(pid_file_->watch_fd(), [this] {
    pid_file_->handle_events();
    adopt_pid_file();
  });
  if (!watched) {
    spdlog::warn("cannot watch pid file '{}': {}", options_.pidfile, std::strerror(errno));
  }
}

void Init::adopt_main_process(pid_t pid, const char* how) {
  run_.main_pid = pid;
  run_.main_group = options_.single_child || getpgid(pid) != pid ? 0 : pid;
  stop_waiting_for_pid_file();
  set_phase(Phase::kRunning);
  spdlog::info("main process '{}' is pid {} ({})", options_.command[0], pid, how);
  if (options_.ready_timeout && *options_.ready_timeout != kForever) {
    timers_.arm(TimerId::kReady, deadline_after(run_.started, *options_.ready_timeout));
  }
  arm_watchdog();
  if (run_.reported_ready_early) {
    report_ready();
  } else if (!options_.awaits_readiness()) {
    mark_ready();
  }
}

bool Init::hold_main_process(pid_t pid, const char* how) {
  UniqueFd held = open_pidfd(pid);
  if (!held.is_open() && errno != ENOSYS) return false;  // ESRCH: already gone.
  // Checked after the pidfd was taken, so the check is about the held process; if that ended in
  // between, has_exited says so below and a newcomer with its pid is never adopted.
  if (!is_descendant(pid, subtree_.self())) return false;
  if (!held.is_open()) {
    // No pidfds (Linux < 5.3): only a child of tend stays itself until tend reaps it.
    if (parent_of(pid) != subtree_.self()) {
      spdlog::warn(
          "cannot follow pid {} ({}): it is not tend's child, and without pidfds "
          "(Linux 5.3) tend could not tell it from a later process with its pid",
          pid, how);
      return false;
    }
    release_main_process();
    return true;
  }
  if (has_exited(held.get())) return false;
  release_main_process();
  run_.main_pidfd = std::move(held);
  if (!loop_->watch(run_.main_pidfd.get(), [this] { handle_adopted_process_exit(); })) {
    spdlog::warn("cannot watch pid {}: {}", pid, std::strerror(errno));
  }
  return true;
}

/// The pidfd of an adopted main process is readable: it ended. tend's own child is reaped here
/// with its status; one reaped by its own parent leaves no status to know.
void Init::handle_adopted_process_exit() {
  std::optional<int> status = reap_by_pidfd(run_.main_pidfd.get());
  if (status) {
    if (run_.main_pid == run_.command_pid) run_.command_reaped = true;
    return handle_run_ended(ChildStatus::from_wait_status(*status));
  }
  spdlog::info("main process (pid {}) ended; its parent reaped it, so its status is unknown",
               run_.main_pid);
  handle_run_ended(ChildStatus{});
  reap_children();  // Perhaps nothing is left of the run.
}

void Init::release_main_process() {
  if (!run_.main_pidfd.is_open()) return;
  loop_->unwatch(run_.main_pidfd.get());
  run_.main_pidfd.reset();
}

void Init::stop_waiting_for_pid_file() {
  if (pid_file_ && pid_file_->is_watched()) {
    loop_->unwatch(pid_file_->watch_fd());
    pid_file_->stop_watching();
  }
  timers_.disarm(TimerId::kPidFile);
}

/// --pidfile: no pid file came in time.
void Init::handle_pid_file_timeout() {
  handle_pid_file_failure(
      fmt::format("pid file '{}' {}", options_.pidfile,
                  pid_file_->describe_wait(format_duration(options_.pidfile_timeout))));
}

/// --pidfile: no main process came of the launcher (it failed, or the pid file is unusable or
/// names a process that is not tend's). An error, then cleanup; exit 125 unless it restarts.
void Init::handle_pid_file_failure(const std::string& why) {
  report_error(why);
  run_.setup_failed = run_.failed = true;
  stop_waiting_for_pid_file();
  begin_cleanup();
}

/// The run's main process ended with `status` (or its launcher did, stopped before the daemon was
/// known): readiness and the run's deadlines end with it, and what it left is cleaned up.
void Init::handle_run_ended(ChildStatus status) {
  release_main_process();
  run_.status = status;
  if (status.shell_code() != 0) run_.failed = true;
  spdlog::info("main process (pid {}) ended with {}", run_.main_pid, status.describe());
  ready_file_.remove();
  run_.is_ready = false;
  for (TimerId id : {TimerId::kReady, TimerId::kWatchdog, TimerId::kStopDelay}) {
    timers_.disarm(id);
  }
  stop_reading_ready_pipe();
  begin_cleanup();
}

/// Nothing is left of the run (nothing started, or tend gave up waiting for what is left): start
/// the next one after a back-off, or end tend.
void Init::handle_run_cleaned_up() {
  timers_.disarm(TimerId::kGrace);
  timers_.disarm(TimerId::kGiveUp);
  std::optional<Millis> delay;
  if (!stop_requested_) {
    delay = restarts_.after_run(run_.failed,
                                std::chrono::duration_cast<Millis>(Clock::now() - run_.started));
  }
  give_back_terminal();  // Also between runs: the next run takes it from tend's group.
  if (!delay) {
    if (run_.setup_failed)
      exit_override_ = kExitTendFailure;
    else if (run_.failed && run_.status.shell_code() == 0)
      exit_override_ = 1;
    return set_phase(Phase::kDone);
  }
  spdlog::info("restarting COMMAND in {} after {} (restart {})", format_duration(*delay),
               run_.setup_failed ? "a failed start" : run_.status.describe(), restarts_.restarts());
  set_phase(Phase::kBackingOff);
  timers_.arm(TimerId::kBackoff, deadline_after(Clock::now(), *delay));
}

void Init::mark_ready() {
  if (run_.is_ready || (phase_ != Phase::kRunning && phase_ != Phase::kStopping)) return;
  run_.is_ready = true;
  timers_.disarm(TimerId::kReady);
  spdlog::log(options_.awaits_readiness() ? spdlog::level::info : spdlog::level::debug,
              "main process (pid {}) is ready", run_.main_pid);
  ready_file_.create();
}

void Init::report_ready() {
  if (phase_ == Phase::kStarting) {  // The daemon is not known yet: keep it for the adoption.
    run_.reported_ready_early = true;
    return;
  }
  if (phase_ != Phase::kRunning && phase_ != Phase::kStopping) return;
  mark_ready();
  // Upward only what COMMAND said: a service manager orders units after this READY=1.
  if (!told_upstream_ready_) notify_upstream("READY=1");
  told_upstream_ready_ = true;
}

void Init::handle_ready_timeout() {
  stop_failed_run(
      fmt::format("COMMAND not ready after {}", format_duration(*options_.ready_timeout)));
}

void Init::handle_watchdog_timeout() {
  stop_failed_run(
      fmt::format("watchdog timeout: no WATCHDOG=1 for {}", format_duration(*run_.watchdog)));
}

/// A run that missed readiness or its watchdog is stopped like on SIGTERM and counts as failed.
void Init::stop_failed_run(const std::string& why) {
  if (phase_ != Phase::kRunning) return;
  spdlog::warn("{}: stopping it", why);
  run_.failed = true;
  int stop = options_.rewrites.apply(SIGTERM);
  begin_stop(stop != 0 ? stop : SIGTERM);
}

void Init::arm_watchdog() {
  if (run_.watchdog && phase_ == Phase::kRunning) {
    timers_.arm(TimerId::kWatchdog, deadline_after(Clock::now(), *run_.watchdog));
  }
}

void Init::handle_notifications() {
  bool flooded = subtree_.receive_notifications(
      *notify_, account_, [this](pid_t pid) { return holds_process(pid); },
      [this](const Notification& notification) {
        spdlog::debug("notification from pid {}: {}", notification.sender,
                      Printable{notification.text});
        handle_notification(parse_notify_message(notification.text));
      });
  if (flooded) pause_notifications();
}

bool Init::holds_process(pid_t pid) const {
  if (pid == run_.command_pid && !run_.command_reaped) return true;
  return pid == run_.main_pid && run_.main_pidfd.is_open() && !has_exited(run_.main_pidfd.get());
}

void Init::pause_notifications() {
  spdlog::debug("strangers are flooding the notify socket: not reading it for {}",
                format_duration(Subtree::kNotifyPause));
  loop_->unwatch(notify_->fd());
  timers_.arm(TimerId::kNotifyPause, Clock::now() + Subtree::kNotifyPause);
}

void Init::resume_notifications() {
  if (!loop_->watch(notify_->fd(), [this] { handle_notifications(); })) {
    spdlog::warn("cannot watch the notify socket again: {}", std::strerror(errno));
  }
}

void Init::handle_notification(const NotifyMessage& message) {
  if (message.status) {
    spdlog::info("COMMAND status: {}", Printable{*message.status});
    notify_upstream("STATUS=" + *message.status);
  }
  if (message.main_pid && *message.main_pid != run_.main_pid && phase_ == Phase::kRunning) {
    if (*message.main_pid == run_.command_pid && !run_.command_reaped) {
      release_main_process();  // Back to COMMAND itself, a child tend holds until it reaps it.
      adopt_main_process(run_.command_pid, "MAINPID");
    } else if (hold_main_process(*message.main_pid, "MAINPID")) {
      adopt_main_process(*message.main_pid, "MAINPID");
    } else {
      spdlog::warn("ignored MAINPID={}: not a process started by tend", *message.main_pid);
    }
  }
  if (message.watchdog_usec) {
    run_.watchdog = watchdog_interval(*message.watchdog_usec);
    if (!run_.watchdog) timers_.disarm(TimerId::kWatchdog);
    arm_watchdog();
  }
  if (message.watchdog_ping) arm_watchdog();
  if (message.extend_timeout_usec) {
    TimePoint until = deadline_after(Clock::now(), millis_from_usec(*message.extend_timeout_usec));
    for (TimerId id : {TimerId::kReady, TimerId::kGrace}) {
      if (timers_.is_armed(id) && *timers_.deadline(id) < until) timers_.arm(id, until);
    }
  }
  if (message.ready) report_ready();
  if (message.stopping) {
    spdlog::info("main process (pid {}) is stopping", run_.main_pid);
    notify_upstream("STOPPING=1");
  }
}

/// s6 readiness: a newline on the ready fd means ready; EOF means COMMAND closed it.
void Init::handle_ready_fd() {
  char buffer[256];
  ssize_t got = read(run_.ready_pipe.get(), buffer, sizeof buffer);
  if (got > 0 && std::memchr(buffer, '\n', static_cast<size_t>(got)) != nullptr) report_ready();
  if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) stop_reading_ready_pipe();
}

void Init::stop_reading_ready_pipe() {
  if (!run_.ready_pipe.is_open()) return;
  loop_->unwatch(run_.ready_pipe.get());
  run_.ready_pipe.reset();
}

void Init::notify_upstream(const std::string& text) const {
  if (upstream_notify_.empty()) return;
  if (!send_notification(upstream_notify_, text)) {
    spdlog::debug("cannot notify '{}': {}", upstream_notify_, std::strerror(errno));
  }
}

}  // namespace tend
