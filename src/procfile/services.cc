// SPDX-License-Identifier: MIT
// ProcfileInit's runs of each service: start, end, restart after a back-off or take everything
// down, readiness, watchdog and sd_notify, each on the service's own socket.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "procfile/procfile_init.h"
#include "service/environment.h"
#include "service/printable.h"
#include "sys/signals.h"
#include "sys/spawn.h"

namespace tend {

void ProcfileInit::start_all() {
  for (Service& service : services_) {
    if (phase_ != Phase::kRunning) break;  // One could not start: the rest never will.
    start_service(service);
  }
}

void ProcfileInit::start_service(Service& service) {
  service.failed = service.ready = false;
  service.ready_by.reset();
  service.watchdog_by.reset();
  service.kill_at.reset();
  service.watchdog = options_.watchdog;
  service.started = Clock::now();

  CommandEnvironment settings{service.notify->address(), std::nullopt, options_.watchdog,
                              account_ ? std::optional(account_->home) : std::nullopt};
  SpawnRequest request = spawn_request_for(service.argv, settings, inherited_, options_, account_);
  request.stdio[0] = null_stdin_.get();
  request.stdio[1] = service.output_to[0].get();
  request.stdio[2] = service.output_to[1].get();

  SpawnResult result = spawn(request);
  if (!result.ok()) {
    if (result.pid > 0) waitpid(result.pid, nullptr, 0);
    bool exec_failed = result.stage == SpawnStage::kExec;
    spdlog::error("cannot {} '{}' for {}: {}", exec_failed ? "run" : "start", service.argv[0],
                  service.name, std::strerror(result.error));
    int code = exec_failed ? exit_code_for_exec_error(result.error) : kExitTendFailure;
    // The first start failing is a broken Procfile or image: no restart hides that.
    return end_service(service, -1, ChildStatus{false, code}, service.restarts.restarts() > 0);
  }
  service.pid = result.pid;
  spdlog::info("started {} (pid {})", service.name, service.pid);
  if (options_.ready_timeout) {
    if (*options_.ready_timeout != kForever) {
      service.ready_by = deadline_after(service.started, *options_.ready_timeout);
    }
  } else {
    mark_ready(service);
  }
  arm_watchdog(service);
}

/// The main process of `service` ended (or never started, `could_start` false when its first
/// start failed): restart it after its back-off, or stop everything and exit with its status.
void ProcfileInit::end_service(Service& service, pid_t pid, ChildStatus status, bool could_start) {
  if (!options_.no_prefix) drain_output(service);
  if (pid > 0) spdlog::info("{} (pid {}) ended with {}", service.name, pid, status.describe());
  // What the run left in its process group goes too; the group id stays unused until they have.
  if (pid > 0 && !has_escalated()) {
    kill(-pid, SIGTERM);
    kill(-pid, SIGCONT);
  }
  service.ready = false;
  update_readiness();
  service.ready_by.reset();
  service.watchdog_by.reset();
  service.kill_at.reset();
  if (status.shell_code() != 0) service.failed = true;
  if (phase_ != Phase::kRunning) {
    service.done = true;
    keep_status(service, status);
    if (std::none_of(services_.begin(), services_.end(),
                     [](const Service& s) { return s.is_running(); })) {
      begin_cleanup();
    }
    return;
  }
  std::optional<Millis> delay;
  if (could_start) {
    delay = service.restarts.after_run(
        service.failed, std::chrono::duration_cast<Millis>(Clock::now() - service.started));
  }
  if (delay) {
    spdlog::info("restarting {} in {} after {} (restart {})", service.name, format_duration(*delay),
                 status.describe(), service.restarts.restarts());
    service.restart_at = deadline_after(Clock::now(), *delay);
    return;
  }
  service.done = true;
  keep_status(service, status);
  if (services_.size() > 1) {
    spdlog::warn("{} ended with {} and is not restarted: stopping the other services", service.name,
                 status.describe());
  }
  stop_all(stop_signal());
}

void ProcfileInit::keep_status(const Service& service, ChildStatus status) {
  if (status_) return;
  status_ = status;
  status_failed_ = service.failed;
}

/// A run that missed readiness or its watchdog is stopped like on SIGTERM and counts as failed;
/// SIGKILL follows after the grace period.
void ProcfileInit::fail_service(Service& service, const std::string& why) {
  if (!service.is_running() || phase_ != Phase::kRunning) return;
  spdlog::warn("{}: stopping it", why);
  service.failed = true;
  service.ready_by.reset();
  service.watchdog_by.reset();
  send_signal(-service.pid, stop_signal());
  send_signal(-service.pid, SIGCONT);
  if (options_.grace == Millis(0)) {
    send_signal(-service.pid, SIGKILL);
  } else if (options_.grace != kForever) {
    service.kill_at = deadline_after(Clock::now(), options_.grace);
  }
}

void ProcfileInit::mark_ready(Service& service) {
  if (service.ready || !service.is_running()) return;
  service.ready = true;
  service.ready_by.reset();
  spdlog::log(options_.ready_timeout ? spdlog::level::info : spdlog::level::debug, "{} is ready",
              service.name);
  update_readiness();
}

/// tend is ready while every service is: the ready file exists, and READY=1 went upward once.
void ProcfileInit::update_readiness() {
  bool all = phase_ == Phase::kRunning &&
             std::all_of(services_.begin(), services_.end(),
                         [](const Service& s) { return s.is_running() && s.ready; });
  if (all == all_ready_) return;
  all_ready_ = all;
  if (!all) {
    ready_file_.remove();
    return;
  }
  spdlog::info("all {} services are ready", services_.size());
  ready_file_.create();
  if (!told_upstream_ready_) notify_upstream("READY=1");
  told_upstream_ready_ = true;
}

void ProcfileInit::arm_watchdog(Service& service) {
  if (service.watchdog && service.is_running() && phase_ == Phase::kRunning) {
    service.watchdog_by = deadline_after(Clock::now(), *service.watchdog);
  }
}

void ProcfileInit::handle_notifications(Service& service) {
  // Which service a message is about is told by the socket it came on.
  bool flooded = subtree_.receive_notifications(
      *service.notify, account_, [&service](pid_t pid) { return pid == service.pid; },
      [this, &service](const Notification& notification) {
        spdlog::debug("notification for {} from pid {}: {}", service.name, notification.sender,
                      Printable{notification.text});
        handle_notification(service, parse_notify_message(notification.text));
      });
  if (flooded) pause_notifications();
}

void ProcfileInit::pause_notifications() {
  if (timers_.is_armed(TimerId::kNotifyPause)) return;
  spdlog::debug("strangers are flooding the notify sockets: not reading them for {}",
                format_duration(Subtree::kNotifyPause));
  for (Service& service : services_) loop_->unwatch(service.notify->fd());
  timers_.arm(TimerId::kNotifyPause, Clock::now() + Subtree::kNotifyPause);
}

void ProcfileInit::resume_notifications() {
  for (size_t i = 0; i < services_.size(); ++i) {
    if (!loop_->watch(services_[i].notify->fd(),
                      [this, i] { handle_notifications(services_[i]); })) {
      spdlog::warn("cannot watch a notify socket again: {}", std::strerror(errno));
    }
  }
}

void ProcfileInit::handle_notification(Service& service, const NotifyMessage& message) {
  if (message.status) {
    spdlog::info("{} status: {}", service.name, Printable{*message.status});
    notify_upstream(fmt::format("STATUS={}: {}", service.name, *message.status));
  }
  if (message.main_pid) {
    spdlog::debug("ignored MAINPID={} from {}: not supported with --procfile", *message.main_pid,
                  service.name);
  }
  if (message.watchdog_usec) {
    service.watchdog = watchdog_interval(*message.watchdog_usec);
    if (!service.watchdog) service.watchdog_by.reset();  // 0 or infinity: the watchdog is off.
    arm_watchdog(service);
  }
  if (message.watchdog_ping) arm_watchdog(service);
  if (message.extend_timeout_usec && service.ready_by) {
    TimePoint until = deadline_after(Clock::now(), millis_from_usec(*message.extend_timeout_usec));
    service.ready_by = std::max(*service.ready_by, until);
  }
  if (message.ready) mark_ready(service);
  if (message.stopping) spdlog::info("{} is stopping", service.name);
}

void ProcfileInit::notify_upstream(const std::string& text) const {
  if (upstream_notify_.empty()) return;
  if (!send_notification(upstream_notify_, text)) {
    spdlog::debug("cannot notify '{}': {}", upstream_notify_, std::strerror(errno));
  }
}

}  // namespace tend
