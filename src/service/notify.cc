// SPDX-License-Identifier: MIT
// systemd's sd_notify protocol: the socket tend gives COMMAND, and tend's own upward channel.
#include "service/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <chrono>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sys/parse_whole.h"

namespace tend {
namespace {

using Clock = std::chrono::steady_clock;

/// Fills a sockaddr_un for "/path" or "@abstract"; returns its length, 0 when it does not fit.
socklen_t make_address(const std::string& address, sockaddr_un& out) {
  out = {};
  out.sun_family = AF_UNIX;
  if (address.empty() || address.size() >= sizeof out.sun_path) return 0;
  std::memcpy(out.sun_path, address.data(), address.size());
  if (address[0] == '@') out.sun_path[0] = '\0';
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() +
                                (address[0] == '@' ? 0 : 1));
}

void close_passed_fds(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      close(fd);
    }
  }
}

/// The sender's credentials, as the kernel vouches for them; pid 0 (nobody) when absent.
ucred sender_of(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred credentials;
      std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
      return credentials;
    }
  }
  return ucred{0, static_cast<uid_t>(-1), static_cast<gid_t>(-1)};
}

}  // namespace

NotifyMessage parse_notify_message(std::string_view text) {
  NotifyMessage message;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = line.substr(0, equals);
    std::string_view value = line.substr(equals + 1);
    if (name == "READY") message.ready = value == "1";
    if (name == "STOPPING") message.stopping = value == "1";
    if (name == "WATCHDOG") message.watchdog_ping = value == "1";
    if (name == "STATUS") message.status = std::string(value);
    if (name == "MAINPID") message.main_pid = parse_whole<pid_t>(value);
    if (name == "WATCHDOG_USEC") message.watchdog_usec = parse_whole<uint64_t>(value);
    if (name == "EXTEND_TIMEOUT_USEC") message.extend_timeout_usec = parse_whole<uint64_t>(value);
  }
  if (message.main_pid && *message.main_pid <= 0) message.main_pid.reset();
  return message;
}

Millis millis_from_usec(uint64_t usec) {
  // Not (usec + 999) / 1000: that wraps for the last 999 values, UINT64_MAX among them.
  return Millis(static_cast<Millis::rep>(usec / 1000 + (usec % 1000 != 0 ? 1 : 0)));
}

std::optional<Millis> watchdog_interval(uint64_t usec) {
  if (usec == 0 || usec == UINT64_MAX) return std::nullopt;
  return millis_from_usec(usec);
}

std::optional<NotifySocket> NotifySocket::create() {
  // Abstract: needs no writable directory (FROM scratch has none), leaves nothing behind even
  // when tend is SIGKILLed, and a COMMAND running as another user can still reach it. PID and
  // time make a clash rare, not impossible: the tends that are PID 1 of the containers of one pod
  // share a network namespace, so its abstract names. The clock has moved on at the next try.
  return create([](int) {
    return fmt::format("@tend/notify/{}/{:x}", getpid(), Clock::now().time_since_epoch().count());
  });
}

std::optional<NotifySocket> NotifySocket::create(
    const std::function<std::string(int attempt)>& name) {
  UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.is_open()) return std::nullopt;
  int on = 1;
  // Credentials on every datagram: tend only listens to its own subtree.
  if (setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) return std::nullopt;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string address = name(attempt);
    sockaddr_un bound;
    socklen_t length = make_address(address, bound);
    if (length == 0) return std::nullopt;
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&bound), length) == 0) {
      return NotifySocket(std::move(fd), std::move(address));
    }
    if (errno != EADDRINUSE) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Notification> NotifySocket::receive() const {
  char text[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * 16)];
  iovec data{text, sizeof text - 1};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t got = recvmsg(fd_.get(), &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (got < 0) return std::nullopt;
  close_passed_fds(message);  // systemd-notify's BARRIER=1 waits for its fd to be closed.
  ucred sender = sender_of(message);
  return Notification{sender.pid, sender.uid, std::string(text, static_cast<size_t>(got))};
}

bool send_notification(const std::string& address, std::string_view text) {
  sockaddr_un target;
  socklen_t length = make_address(address, target);
  if (length == 0) return false;
  UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  return fd.is_open() && sendto(fd.get(), text.data(), text.size(), MSG_NOSIGNAL,
                                reinterpret_cast<sockaddr*>(&target), length) >= 0;
}

}  // namespace tend
