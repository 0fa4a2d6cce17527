// SPDX-License-Identifier: MIT
// Fuzzes the --procfile parsers: the Procfile itself, the command-line splitter (whose words,
// quoted again, split back into themselves), and the relay's line assembly and bounded queue.
#include <set>
#include <string>
#include <vector>

#include "check.h"
#include "procfile/command_line.h"
#include "procfile/procfile.h"
#include "procfile/relay_buffer.h"

namespace {

const std::vector<std::string> kEnvironment = {"HOME=/root", "EMPTY=", "SPACED=a b", "Q='\"\\$"};

/// Every entry has a valid, unique name and a trimmed, non-empty command, in line order.
void check_procfile(std::string_view text) {
  tend::ParsedProcfile parsed = tend::parse_procfile(text);
  if (parsed.error) return;
  std::set<std::string> names;
  int line = 0;
  for (const tend::ProcfileEntry& entry : parsed.entries) {
    FUZZ_CHECK(tend::is_service_name(entry.name));
    FUZZ_CHECK(names.insert(entry.name).second);
    FUZZ_CHECK(!entry.command.empty());
    FUZZ_CHECK(entry.command.front() != ' ' && entry.command.back() != ' ');
    FUZZ_CHECK(entry.line > line);
    line = entry.line;
  }
}

/// `word` in single quotes, each ' written as '\'' : sh's way to quote anything.
std::string single_quoted(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Split words, quoted again, split back into the same words; an error leaves no words.
void check_split(std::string_view line) {
  tend::VariableLookup lookup = tend::lookup_in(kEnvironment);
  tend::SplitCommand split = tend::split_command_line(line, lookup);
  if (!split.error.empty()) {
    FUZZ_CHECK(split.words.empty());
    return;
  }
  std::string again;
  for (const std::string& word : split.words) again += single_quoted(word) + " ";
  tend::SplitCommand resplit = tend::split_command_line(again, lookup);
  FUZZ_CHECK(resplit.error.empty());
  FUZZ_CHECK(resplit.words == split.words);
}

/// Lines come out the same however the bytes are cut, and the queue keeps its bound.
void check_relay(std::string_view data) {
  std::vector<std::string> whole, pieces;
  tend::LineAssembler one, two;
  one.feed(data, [&](std::string_view line) { whole.emplace_back(line); });
  one.flush([&](std::string_view line) { whole.emplace_back(line); });
  size_t cut = data.empty() ? 0 : static_cast<unsigned char>(data[0]) % data.size();
  two.feed(data.substr(0, cut), [&](std::string_view line) { pieces.emplace_back(line); });
  two.feed(data.substr(cut), [&](std::string_view line) { pieces.emplace_back(line); });
  two.flush([&](std::string_view line) { pieces.emplace_back(line); });
  FUZZ_CHECK(whole == pieces);
  tend::OutputQueue queue(256);
  for (const std::string& line : whole) {
    FUZZ_CHECK(line.size() <= tend::LineAssembler::kMaxLine);
    queue.push_line("x | ", line);
    FUZZ_CHECK(queue.pending().size() <= 256 + tend::OutputQueue::kMarkerRoom);
    if (line.size() % 3 == 0) queue.consume(line.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = tend::fuzz::as_text(data, size);
  check_procfile(text);
  check_split(text);
  check_relay(text);
  return 0;
}
