// SPDX-License-Identifier: MIT
// UniqueFd: the one owner of a file descriptor, closed when it goes out of scope.
#pragma once

#include <unistd.h>

#include <utility>
#include <vector>

namespace tend {

class [[nodiscard]] UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

/// Both ends of a close-on-exec pipe.
struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

/// Opens a close-on-exec pipe; returns open ends or sets errno and returns closed ones.
[[nodiscard]] Pipe make_pipe();

/// Descriptors held back from start-up, so that what must still work when tend is out of them
/// (finding leftovers in /proc) can: released just before it, taken back after.
class DescriptorReserve {
 public:
  /// Holds `count` descriptors (eventfds: no path, nothing to block on); false, errno set, when
  /// not all could be had.
  bool take(int count);
  void release() { held_.clear(); }

 private:
  std::vector<UniqueFd> held_;
};

}  // namespace tend
