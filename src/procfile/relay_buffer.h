// SPDX-License-Identifier: MIT
// The pure half of the output relay: services' bytes cut into lines, and a bounded queue of
// whole prefixed lines waiting for tend's stdout or stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace tend {

/// "web  | " for `name` in a column `width` wide: the names of a Procfile line up.
std::string service_prefix(std::string_view name, size_t width);

/// Cuts one service stream into lines. A line longer than kMaxLine is passed on in pieces of
/// kMaxLine (each a line of its own), so that one endless line cannot hold memory.
class LineAssembler {
 public:
  static constexpr size_t kMaxLine = size_t{16} * 1024;
  using Sink = std::function<void(std::string_view line)>;  ///< A line without its '\n'.

  /// Calls `sink` for every line that `data` completes; keeps the rest.
  void feed(std::string_view data, const Sink& sink);
  /// Passes on a partial last line, if there is one (its service ended).
  void flush(const Sink& sink);
  size_t partial_size() const { return partial_.size(); }

 private:
  std::string partial_;
};

/// Bytes for one of tend's output streams. Only whole lines go in: a line that does not fit in
/// `bound` bytes is dropped and counted, and a "[tend: N lines dropped]" line takes its place as
/// soon as there is room again (the marker may go up to kMarkerRoom past the bound).
class OutputQueue {
 public:
  static constexpr size_t kMarkerRoom = 64;

  explicit OutputQueue(size_t bound) : bound_(bound) {}

  /// Queues prefix + line + '\n', or drops it when it does not fit.
  void push_line(std::string_view prefix, std::string_view line);
  /// What is waiting to be written.
  std::string_view pending() const { return std::string_view(data_).substr(head_); }
  /// `count` bytes of pending() were written.
  void consume(size_t count);
  bool empty() const { return pending().empty() && dropped_ == 0; }
  /// Lines dropped since the last marker went in.
  uint64_t dropped_unreported() const { return dropped_; }
  uint64_t dropped_total() const { return dropped_total_; }
  size_t bound() const { return bound_; }

 private:
  size_t size() const { return data_.size() - head_; }
  void append_marker();

  size_t bound_;
  std::string data_;
  size_t head_ = 0;  ///< Written bytes at the front, erased once they are half of data_.
  uint64_t dropped_ = 0;
  uint64_t dropped_total_ = 0;
};

}  // namespace tend
