// SPDX-License-Identifier: MIT
// systemd's sd_notify protocol: the socket tend gives COMMAND, and tend's own upward channel.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cli/duration.h"
#include "sys/unique_fd.h"

namespace tend {

/// The fields of one notification that tend acts on.
struct NotifyMessage {
  bool ready = false;
  bool stopping = false;
  bool watchdog_ping = false;
  std::optional<std::string> status;
  std::optional<pid_t> main_pid;
  std::optional<uint64_t> watchdog_usec;
  std::optional<uint64_t> extend_timeout_usec;
};

/// Parses newline-separated VAR=VALUE assignments; unknown or malformed ones are ignored, and so
/// is a MAINPID= that is not a pid (0, negative, beyond pid_t).
NotifyMessage parse_notify_message(std::string_view text);

/// Microseconds from a notification as milliseconds, rounded up (never 0 for a positive value).
Millis millis_from_usec(uint64_t usec);

/// The watchdog interval that WATCHDOG_USEC=usec asks for; nullopt turns the watchdog off, as
/// systemd reads 0 and UINT64_MAX (its USEC_INFINITY).
[[nodiscard]] std::optional<Millis> watchdog_interval(uint64_t usec);

/// One datagram received on the notify socket, with the sender's pid from its credentials.
struct Notification {
  pid_t sender = 0;  ///< 0 when the sender is outside tend's PID namespace.
  uid_t uid = 0;
  std::string text;
};

/// The datagram socket COMMAND sends to, in the abstract namespace: gone when its fd closes.
class NotifySocket {
 public:
  /// Binds "@tend/notify/PID/TIME"; nullopt (errno set) on failure.
  [[nodiscard]] static std::optional<NotifySocket> create();
  /// Binds the first of name(0), name(1), ... that no other socket holds (a few tries); nullopt
  /// (errno set) on failure.
  [[nodiscard]] static std::optional<NotifySocket> create(
      const std::function<std::string(int attempt)>& name);

  int fd() const { return fd_.get(); }
  /// The value for COMMAND's NOTIFY_SOCKET ("@name").
  const std::string& address() const { return address_; }

  /// Reads one pending datagram (closing any descriptors passed with it); nullopt when none.
  [[nodiscard]] std::optional<Notification> receive() const;

 private:
  NotifySocket(UniqueFd fd, std::string address)
      : fd_(std::move(fd)), address_(std::move(address)) {}
  UniqueFd fd_;
  std::string address_;
};

/// Sends `text` to the sd_notify socket at `address` (a path or "@name"); false on failure.
[[nodiscard]] bool send_notification(const std::string& address, std::string_view text);

}  // namespace tend
