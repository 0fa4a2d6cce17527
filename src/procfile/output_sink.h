// SPDX-License-Identifier: MIT
// OutputSink: one of tend's own output streams as the relay writes to it, never blocking.
#pragma once

#include <optional>

#include "loop/timers.h"
#include "procfile/relay_buffer.h"
#include "sys/unique_fd.h"

namespace tend {

class OutputSink {
 public:
  /// Writes to tend's `fd` (1 or 2) through a queue of at most `bound` bytes. A pipe, FIFO or
  /// terminal is opened again through /proc/self/fd as a file description of tend's own, made
  /// non-blocking: O_NONBLOCK on the shared one would change it for every other process that
  /// writes to it (the shell's terminal, say). A socket is written with MSG_DONTWAIT; a regular
  /// file never makes a writer wait, so it is written as it is.
  OutputSink(int fd, size_t bound);
  ~OutputSink();
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  OutputQueue& queue() { return queue_; }
  /// The descriptor written to, for a writability watch.
  int fd() const { return fd_; }

  /// Writes as much of the queue as the reader takes now; true when some is left (then the
  /// caller waits for the fd to become writable). A reader that is gone drops everything.
  [[nodiscard]] bool write_some();
  /// At the end: gives a slow reader until `deadline` to take the rest, then drops it.
  void drain_until(TimePoint deadline);

 private:
  enum class Method { kWrite, kSend, kNone };

  OutputQueue queue_;
  UniqueFd own_;  ///< The reopened description, when there is one.
  int fd_ = -1;
  Method method_ = Method::kNone;
  std::optional<int> restore_flags_;  ///< Flags of a shared description made non-blocking.
};

}  // namespace tend
