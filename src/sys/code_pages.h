// SPDX-License-Identifier: MIT
// Letting go of the pages of tend's code and constants that starting up mapped in.
#pragma once

#include <chrono>

#include "sys/unique_fd.h"

namespace tend {

/// Drops tend's read-only segments (code, constants) from its page tables, so that an idle tend
/// holds only the pages it touches from here on. They stay in the page cache, and the kernel maps
/// back any page tend runs again on first use. Call it once, just before tend first sleeps.
void release_start_up_pages();

/// A close-on-exec timerfd that becomes readable once, `after` from now: a deadline that, unlike
/// a timeout, costs nothing on each sleep until then. Closed, errno set, on failure.
UniqueFd one_shot_timer(std::chrono::milliseconds after);

}  // namespace tend
