// SPDX-License-Identifier: MIT
// OutputSink: one of tend's own output streams as the relay writes to it, never blocking.
#include "procfile/output_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace tend {
namespace {

/// One write takes at most this much: a pipe's default capacity.
constexpr size_t kWriteChunk = size_t{64} * 1024;

}  // namespace

OutputSink::OutputSink(int fd, size_t bound) : queue_(bound) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return;  // Closed: everything is dropped.
  if (S_ISREG(info.st_mode) || S_ISBLK(info.st_mode)) {
    fd_ = fd;
    method_ = Method::kWrite;
    return;
  }
  if (S_ISSOCK(info.st_mode)) {
    fd_ = fd;
    method_ = Method::kSend;
    return;
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  own_.reset(open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  method_ = Method::kWrite;
  if (own_.is_open()) {
    fd_ = own_.get();
    return;
  }
  // No /proc: the shared description is made non-blocking while tend runs, and restored.
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0) restore_flags_ = flags;
  fd_ = fd;
}

OutputSink::~OutputSink() {
  if (restore_flags_) fcntl(fd_, F_SETFL, *restore_flags_);
}

bool OutputSink::write_some() {
  for (;;) {
    std::string_view pending = queue_.pending();
    if (pending.empty()) return false;
    if (method_ == Method::kNone) {
      queue_.consume(pending.size());
      continue;
    }
    size_t length = std::min(pending.size(), kWriteChunk);
    ssize_t wrote = method_ == Method::kSend
                        ? send(fd_, pending.data(), length, MSG_DONTWAIT | MSG_NOSIGNAL)
                        : write(fd_, pending.data(), length);
    if (wrote > 0) {
      queue_.consume(static_cast<size_t>(wrote));
    } else if (wrote < 0 && errno == EINTR) {
      continue;
    } else if (wrote < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      method_ = Method::kNone;  // EPIPE and the like: nobody reads any more.
    }
  }
}

void OutputSink::drain_until(TimePoint deadline) {
  while (write_some()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd writable{fd_, POLLOUT, 0};
    if (poll(&writable, 1, static_cast<int>(left.count())) == 0) break;
  }
}

}  // namespace tend
