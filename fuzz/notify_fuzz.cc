// SPDX-License-Identifier: MIT
// Fuzzes parse_notify_message on datagrams as COMMAND could send them.
#include "check.h"
#include "service/notify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = tend::fuzz::as_text(data, size);
  tend::NotifyMessage message = tend::parse_notify_message(text);
  FUZZ_CHECK(!message.main_pid || *message.main_pid > 0);
  // One assignment per line: a STATUS cannot carry the next line with it.
  FUZZ_CHECK(!message.status || message.status->find('\n') == std::string::npos);
  FUZZ_CHECK(!message.ready || text.find("READY=1") != std::string_view::npos);
  return 0;
}
