// SPDX-License-Identifier: MIT
// Letting go of the pages of tend's code and constants that starting up mapped in.
#pragma once

namespace tend {

/// Drops tend's read-only segments (code, constants) from its page tables, so that an idle tend
/// holds only the pages it touches from here on. They stay in the page cache, and the kernel maps
/// back any page tend runs again on first use. Call it once, just before tend first sleeps.
void release_start_up_pages();

}  // namespace tend
