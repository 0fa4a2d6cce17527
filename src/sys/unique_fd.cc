// SPDX-License-Identifier: MIT
// UniqueFd helpers: descriptors born close-on-exec.
#include "sys/unique_fd.h"

#include <fcntl.h>

namespace tend {

Pipe make_pipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return {};
  return {UniqueFd(ends[0]), UniqueFd(ends[1])};
}

}  // namespace tend
