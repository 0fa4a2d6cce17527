// SPDX-License-Identifier: MIT
// ProcfileInit: tend's PID-1 duties for the several services of a Procfile: setup, signals,
// reaping, deadlines, and the stop that takes every service down together.
#include "procfile/procfile_init.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "init/report.h"
#include "init/signal_router.h"
#include "procfile/command_line.h"
#include "procfile/procfile.h"
#include "sys/code_pages.h"
#include "sys/processes.h"
#include "sys/signal_name.h"
#include "sys/signals.h"

namespace tend {
namespace {

/// A Procfile larger than this is not a Procfile.
constexpr off_t kMaxProcfileSize = off_t{1024} * 1024;

/// The Procfile's text; nullopt (errno set) when it cannot be read as a regular file.
std::optional<std::string> read_procfile(const std::string& path) {
  // O_NONBLOCK: a FIFO in its place must not hang tend's start.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  struct stat info {};
  if (!fd.is_open() || fstat(fd.get(), &info) != 0) return std::nullopt;
  if (!S_ISREG(info.st_mode)) {
    errno = EINVAL;
    return std::nullopt;
  }
  if (info.st_size > kMaxProcfileSize) {
    errno = EFBIG;
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t got = read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return std::nullopt;
    if (got == 0) return text;
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > static_cast<size_t>(kMaxProcfileSize)) {
      errno = EFBIG;
      return std::nullopt;
    }
  }
}

std::string count_of(int count, std::string_view what) {
  return fmt::format("{} {}{}", count, what, count == 1 ? "" : "s");
}

}  // namespace

ProcfileInit::ProcfileInit(const Options& options, const Inheritance& inherited)
    : options_(options), inherited_(inherited), ready_file_(options.ready_file) {}

ProcfileInit::~ProcfileInit() {
  if (previous_logger_) spdlog::set_default_logger(previous_logger_);
}

TendExit ProcfileInit::run() {
  if (auto early_exit = set_up()) return *early_exit;
  ready_file_.remove_stale();
  start_all();
  if (pdeathsig_pending_) handle_signal(ReceivedSignal{*options_.pdeathsig, 0, SI_USER});
  if (!options_.restarts()) {
    // The services have their copies: tend pins no inherited file and no working directory.
    close_inherited_fds();
    if (chdir("/") != 0) spdlog::warn("cannot change directory to /: {}", std::strerror(errno));
  }
  // From here on services run: failures are logged and tend carries on (see Init::run).
  release_start_up_pages();
  while (phase_ != Phase::kDone) {
    loop_->wait_once(earliest_deadline());
    handle_deadlines();
    if (phase_ == Phase::kCleaningUp) reap_children();  // Perhaps nothing is left.
  }
  finish_output();
  ready_file_.remove();
  return decide_exit_status();
}

/// Every line of the Procfile, split into words: any error is exit 125 with file and line.
std::optional<TendExit> ProcfileInit::load_services() {
  const std::string& path = options_.procfile;
  std::optional<std::string> text = read_procfile(path);
  if (!text) return system_failure(fmt::format("cannot read Procfile '{}'", path));
  ParsedProcfile parsed = parse_procfile(*text);
  auto invalid = [&path](int line, std::string_view why) {
    report_error(line > 0 ? fmt::format("invalid Procfile '{}', line {}: {}", path, line, why)
                          : fmt::format("invalid Procfile '{}': {}", path, why));
    return TendExit{kExitTendFailure, 0};
  };
  if (parsed.error) return invalid(parsed.error->line, parsed.error->message);
  VariableLookup lookup = lookup_in(inherited_.env);
  size_t width = 0;
  for (const ProcfileEntry& entry : parsed.entries) {
    SplitCommand split = split_command_line(entry.command, lookup);
    if (!split.error.empty()) return invalid(entry.line, split.error);
    if (split.words.empty()) return invalid(entry.line, "the command line has no words");
    services_.emplace_back(entry.name, std::move(split.words), options_);
    width = std::max(width, entry.name.size());
  }
  for (Service& service : services_) service.prefix = service_prefix(service.name, width);
  return std::nullopt;
}

/// Setup may fail: each failure here is an error message and exit 125, before any service runs.
std::optional<TendExit> ProcfileInit::set_up() {
  if (auto failure = load_services()) return failure;
  take_over_signals(inherited_.signals);
  loop_ = EventLoop::create([this](const ReceivedSignal& received) { handle_signal(received); });
  if (!loop_) return system_failure("cannot create a signalfd");
  if (!subtree_.is_pid1() && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return system_failure("cannot become child subreaper");
  }
  if (options_.pdeathsig) {
    if (prctl(PR_SET_PDEATHSIG, *options_.pdeathsig) != 0) {
      return system_failure("cannot set pdeathsig");
    }
    pdeathsig_pending_ = getppid() != inherited_.parent;
  }
  if (!options_.user.empty()) {
    std::string error;
    account_ = resolve_account(options_.user, error);
    if (!account_)
      return usage_failure(fmt::format("invalid --user '{}': {}", options_.user, error));
  }
  if (const char* upstream = getenv("NOTIFY_SOCKET")) upstream_notify_ = upstream;
  if (!subtree_.reserve_proc_walk()) {
    return system_failure("cannot keep descriptors in reserve for /proc");
  }
  // The terminal stays tend's: with several services none of them may read it, so Ctrl-C comes
  // to tend alone and stops them all once.
  if (isatty(STDIN_FILENO) == 1) {
    null_stdin_.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_stdin_.is_open()) return system_failure("cannot open /dev/null");
  }
  for (size_t i = 0; i < services_.size(); ++i) {
    if (auto failure = set_up_service(i)) return failure;
  }
  return set_up_relay();
}

std::optional<TendExit> ProcfileInit::set_up_service(size_t index) {
  Service& service = services_[index];
  service.notify = NotifySocket::create();
  if (!service.notify) return system_failure("cannot create a notify socket");
  if (!loop_->watch(service.notify->fd(),
                    [this, index] { handle_notifications(services_[index]); })) {
    return system_failure("cannot watch a notify socket");
  }
  if (options_.no_prefix) return std::nullopt;
  for (int stream = 0; stream < 2; ++stream) {
    Pipe pipe = make_pipe();
    if (!pipe.read_end.is_open()) return system_failure("cannot create an output pipe");
    service.output[stream] = std::move(pipe.read_end);
    service.output_to[stream] = std::move(pipe.write_end);
    if (!loop_->watch(service.output[stream].get(),
                      [this, index, stream] { handle_output(services_[index], stream); })) {
      return system_failure("cannot watch an output pipe");
    }
  }
  return std::nullopt;
}

void ProcfileInit::handle_signal(const ReceivedSignal& received) {
  int signo = received.signo;
  if (signo == SIGCHLD) return reap_children();
  if (received.sender == subtree_.self()) return;  // tend's own (a SIGPIPE): never passed on.
  spdlog::debug("received {} from pid {} while {}", SignalLabel{signo}, received.sender,
                phase_name(phase_));
  SignalAction action = route_signal(signo, options_.rewrites);
  if (action.forward == 0) {
    spdlog::info("dropped {} as asked by --rewrite", SignalLabel{signo});
  } else if (action.begins_stop) {
    request_stop(action.forward);
  } else if (phase_ == Phase::kRunning || phase_ == Phase::kStopping) {
    int count = signal_services(action.forward);
    spdlog::info("forwarded {} to {}", SignalLabel{action.forward}, count_of(count, "service"));
  }
}

void ProcfileInit::reap_children() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      auto service = std::find_if(services_.begin(), services_.end(),
                                  [pid](const Service& s) { return s.pid == pid; });
      if (service != services_.end()) {
        service->pid = -1;
        end_service(*service, pid, ChildStatus::from_wait_status(status));
      } else {
        spdlog::debug("reaped pid {} ({})", pid, ChildStatus::from_wait_status(status));
      }
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    // ECHILD: nothing of ours is left at all.
    if (pid < 0 && errno == ECHILD && phase_ == Phase::kCleaningUp) finish();
    return;
  }
}

std::optional<TimePoint> ProcfileInit::earliest_deadline() const {
  std::optional<TimePoint> first = timers_.earliest();
  for (const Service& service : services_) {
    for (const auto* deadline :
         {&service.restart_at, &service.ready_by, &service.watchdog_by, &service.kill_at}) {
      if (*deadline && (!first || **deadline < *first)) first = *deadline;
    }
  }
  return first;
}

void ProcfileInit::handle_deadlines() {
  if (!earliest_deadline()) return;  // Nothing armed: no clock read.
  TimePoint now = Clock::now();
  for (TimerId id : timers_.take_expired(now)) {
    switch (id) {
      case TimerId::kGrace:
        escalate();
        break;
      case TimerId::kStopDelay:
        stop_all(std::exchange(pending_stop_signal_, 0));
        break;
      case TimerId::kNotifyPause:
        resume_notifications();
        break;
      case TimerId::kGiveUp:
        give_up_waiting();
        break;
      default:
        break;
    }
  }
  for (Service& service : services_) handle_service_deadlines(service, now);
}

void ProcfileInit::handle_service_deadlines(Service& service, TimePoint now) {
  auto expired = [now](std::optional<TimePoint>& deadline) {
    if (!deadline || *deadline > now) return false;
    deadline.reset();
    return true;
  };
  if (expired(service.restart_at) && phase_ == Phase::kRunning) start_service(service);
  if (expired(service.ready_by)) {
    fail_service(service, fmt::format("{} not ready after {}", service.name,
                                      format_duration(*options_.ready_timeout)));
  }
  if (expired(service.watchdog_by)) {
    fail_service(service, fmt::format("{}: watchdog timeout, no WATCHDOG=1 for {}", service.name,
                                      format_duration(*service.watchdog)));
  }
  if (expired(service.kill_at) && service.is_running()) {
    spdlog::info("{} (pid {}) still runs after {}: sending SIGKILL to its process group",
                 service.name, service.pid, format_duration(options_.grace));
    send_signal(-service.pid, SIGKILL);
  }
}

/// What tend sends to stop a service of its own accord: SIGTERM, after --rewrite.
int ProcfileInit::stop_signal() const {
  int stop = options_.rewrites.apply(SIGTERM);
  return stop != 0 ? stop : SIGTERM;
}

/// Sends `signo` to the process group of every running service; returns how many.
int ProcfileInit::signal_services(int signo) {
  int count = 0;
  for (const Service& service : services_) {
    // An unreaped main process keeps its pid, and so its group id, from being reused.
    if (service.is_running() && send_signal(-service.pid, signo)) ++count;
  }
  return count;
}

/// A stop signal: no restart follows. With --stop-delay the signal waits, unless it is the
/// second one.
void ProcfileInit::request_stop(int signo) {
  if (!stop_requested_) notify_upstream("STOPPING=1");
  stop_requested_ = true;
  bool delaying = timers_.is_armed(TimerId::kStopDelay);
  if (phase_ == Phase::kRunning && options_.stop_delay > Millis(0) && !delaying) {
    spdlog::info("got {}, forwarding it in {}", SignalLabel{signo},
                 format_duration(options_.stop_delay));
    pending_stop_signal_ = signo;
    timers_.arm(TimerId::kStopDelay, deadline_after(Clock::now(), options_.stop_delay));
    return;
  }
  timers_.disarm(TimerId::kStopDelay);
  pending_stop_signal_ = 0;
  stop_all(signo);
}

/// Stops every service together: `signo` (then SIGCONT) to each group, one grace period for
/// all, no more restarts. A repeated stop signal is forwarded again but does not extend it.
void ProcfileInit::stop_all(int signo) {
  if (phase_ == Phase::kCleaningUp || phase_ == Phase::kDone) {
    if (!has_escalated()) {
      signal_leftovers(signo);
      signal_leftovers(SIGCONT);
    }
    return;
  }
  set_phase(Phase::kStopping);
  for (Service& service : services_) {
    service.restart_at.reset();
    if (!service.is_running()) service.done = true;
  }
  int count = signal_services(signo);
  signal_services(SIGCONT);
  spdlog::info("sent {} to {}", SignalLabel{signo}, count_of(count, "service"));
  if (!timers_.is_armed(TimerId::kGrace) && !has_escalated()) start_grace_period();
  if (std::none_of(services_.begin(), services_.end(),
                   [](const Service& service) { return service.is_running(); })) {
    begin_cleanup();
  }
}

/// Every service has ended: what they left behind gets SIGTERM (and SIGCONT) and what is left
/// of the grace period. When nothing is left the reap loop sees ECHILD and tend is done.
void ProcfileInit::begin_cleanup() {
  set_phase(Phase::kCleaningUp);
  if (has_escalated()) return;
  int count = signal_leftovers(SIGTERM);
  if (count == 0) return;
  signal_leftovers(SIGCONT);
  spdlog::info("sent SIGTERM to what the services left: {}",
               count < 0 ? std::string("whatever is left") : count_of(count, "process"));
  if (timers_.is_armed(TimerId::kGrace)) return;
  start_grace_period();
}

/// SIGKILL follows when the grace period is over: at once for 0, never for inf.
void ProcfileInit::start_grace_period() {
  if (options_.grace == Millis(0)) return escalate();
  if (options_.grace != kForever)
    timers_.arm(TimerId::kGrace, deadline_after(Clock::now(), options_.grace));
}

void ProcfileInit::escalate() {
  if (has_escalated()) return;
  timers_.disarm(TimerId::kGrace);
  int services = signal_services(SIGKILL);
  if (services > 0) sched_yield();  // Let the killed go before the walk through /proc.
  int count = signal_leftovers(SIGKILL);
  spdlog::info("grace period over after {}, sent SIGKILL to {} and {} more",
               format_duration(options_.grace), count_of(services, "service"),
               count < 0 ? std::string("whatever is left") : count_of(count, "process"));
  timers_.arm(TimerId::kGiveUp, Clock::now() + Subtree::kGiveUpMargin);
}

/// The give-up margin after SIGKILL is over: tend ends even with processes left.
void ProcfileInit::give_up_waiting() {
  if (phase_ == Phase::kDone || !Subtree::give_up_waiting()) return;
  if (!status_) status_ = ChildStatus{true, SIGKILL};
  finish();
}

int ProcfileInit::signal_leftovers(int signo) {
  // Without /proc only the services' groups are known.
  return subtree_.signal_leftovers(signo, [this, signo] { signal_services(signo); });
}

void ProcfileInit::finish() {
  timers_.disarm(TimerId::kGrace);
  timers_.disarm(TimerId::kGiveUp);
  set_phase(Phase::kDone);
}

void ProcfileInit::set_phase(Phase phase) {
  if (phase == phase_) return;
  spdlog::debug("phase {} -> {}", phase_name(phase_), phase_name(phase));
  phase_ = phase;
}

/// The status of the first service that ended for good (or ended after a stop began).
TendExit ProcfileInit::decide_exit_status() const {
  ChildStatus status = status_.value_or(ChildStatus{});
  if (status_failed_ && status.shell_code() == 0) return {1, 0};
  return decide_exit(status, subtree_.is_pid1(), options_.success_exits);
}

}  // namespace tend
