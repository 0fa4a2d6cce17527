// SPDX-License-Identifier: MIT
// The pure half of the output relay: lines, prefixes, and the bounded queue.
#include "procfile/relay_buffer.h"

#include <fmt/format.h>

namespace tend {

std::string service_prefix(std::string_view name, size_t width) {
  return fmt::format("{:<{}} | ", name, width);
}

void LineAssembler::feed(std::string_view data, const Sink& sink) {
  while (!data.empty()) {
    size_t newline = data.find('\n');
    if (newline == std::string_view::npos) {
      // No end of line yet: keep it, but never more than kMaxLine.
      while (partial_.size() + data.size() > kMaxLine) {
        size_t take = kMaxLine - partial_.size();
        partial_.append(data.substr(0, take));
        data.remove_prefix(take);
        sink(partial_);
        partial_.clear();
      }
      partial_.append(data);
      return;
    }
    std::string_view line = data.substr(0, newline);
    data.remove_prefix(newline + 1);
    if (partial_.empty() && line.size() <= kMaxLine) {
      sink(line);  // The common case: no copy.
      continue;
    }
    partial_.append(line);
    std::string_view whole = partial_;
    while (whole.size() > kMaxLine) {
      sink(whole.substr(0, kMaxLine));
      whole.remove_prefix(kMaxLine);
    }
    sink(whole);
    partial_.clear();
  }
}

void LineAssembler::flush(const Sink& sink) {
  if (partial_.empty()) return;
  sink(partial_);
  partial_.clear();
}

void OutputQueue::push_line(std::string_view prefix, std::string_view line) {
  size_t length = prefix.size() + line.size() + 1;
  if (size() + length > bound_) {
    ++dropped_;
    ++dropped_total_;
    return;
  }
  if (dropped_ > 0) append_marker();
  data_.append(prefix);
  data_.append(line);
  data_ += '\n';
}

void OutputQueue::consume(size_t count) {
  head_ += std::min(count, size());
  if (head_ == data_.size()) {
    data_.clear();
    head_ = 0;
  } else if (head_ > data_.size() / 2) {
    data_.erase(0, head_);
    head_ = 0;
  }
  // Room again: say what was lost, where it was lost.
  if (dropped_ > 0 && size() + kMarkerRoom <= bound_) append_marker();
}

void OutputQueue::append_marker() {
  data_.append(fmt::format("[tend: {} line{} dropped]\n", dropped_, dropped_ == 1 ? "" : "s"));
  dropped_ = 0;
}

}  // namespace tend
