// SPDX-License-Identifier: MIT
// UniqueFd helpers: descriptors born close-on-exec.
#include "sys/unique_fd.h"

#include <sys/eventfd.h>

#include <fcntl.h>

namespace tend {

bool DescriptorReserve::take(int count) {
  while (static_cast<int>(held_.size()) < count) {
    UniqueFd fd(eventfd(0, EFD_CLOEXEC));
    if (!fd.is_open()) return false;
    held_.push_back(std::move(fd));
  }
  return true;
}

Pipe make_pipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return {};
  return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

}  // namespace tend
