// SPDX-License-Identifier: MIT
// UniqueFd: the one owner of a file descriptor, closed when it goes out of scope.
#pragma once

#include <unistd.h>

#include <utility>

namespace tend {

class UniqueFd {
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
Pipe make_pipe();

}  // namespace tend
