// SPDX-License-Identifier: MIT
// Letting go of the pages of tend's code and constants that starting up mapped in.
#include "sys/code_pages.h"

#include <link.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdint>

namespace tend {
namespace {

/// Drops the whole pages of each read-only loaded segment of the first object, the program.
int release_read_only_segments(dl_phdr_info* info, size_t, void*) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W) != 0) continue;
    // Whole pages only: a page shared with a writable segment holds data tend has written.
    uintptr_t start = (info->dlpi_addr + segment.p_vaddr + page - 1) & ~(page - 1);
    uintptr_t end = (info->dlpi_addr + segment.p_vaddr + segment.p_memsz) & ~(page - 1);
    // The ELF headers give addresses as integers: the cast is the point here.
    void* first = reinterpret_cast<void*>(start);  // NOLINT(performance-no-int-to-ptr)
    if (end > start) madvise(first, end - start, MADV_DONTNEED);
  }
  return 1;  // The program comes first; shared libraries (a sanitizer build) are left alone.
}

}  // namespace

void release_start_up_pages() {
  // Starting up runs code from all over the binary (glibc's set-up, CLI11, the spawn), and each
  // fault maps in the 64 KiB around it, or a whole large folio: most of the binary stays mapped,
  // though tend asleep and its event handlers use a small part of it. These pages are never
  // written, so dropping them loses nothing; one tend needs again is mapped back on first use.
  dl_iterate_phdr(release_read_only_segments, nullptr);
}

UniqueFd one_shot_timer(std::chrono::milliseconds after) {
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer.is_open()) return timer;
  itimerspec when{};
  when.it_value.tv_sec = static_cast<time_t>(after.count() / 1000);
  when.it_value.tv_nsec = static_cast<long>(after.count() % 1000 * 1000000);
  if (timerfd_settime(timer.get(), 0, &when, nullptr) != 0) timer.reset();
  return timer;
}

}  // namespace tend
