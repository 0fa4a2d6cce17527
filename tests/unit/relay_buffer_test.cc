// SPDX-License-Identifier: MIT
// Unit tests of the output relay's pure half: prefixes, line assembly, and the bounded queue's
// drop marker.
#include "procfile/relay_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tend {
namespace {

std::vector<std::string> lines_of(LineAssembler& assembler, std::string_view data) {
  std::vector<std::string> lines;
  assembler.feed(data, [&](std::string_view line) { lines.emplace_back(line); });
  return lines;
}

TEST(RelayBufferTest, PrefixesLineUp) {
  EXPECT_EQ(service_prefix("web", 6), "web    | ");
  EXPECT_EQ(service_prefix("worker", 6), "worker | ");
  EXPECT_EQ(service_prefix("x", 1), "x | ");
}

TEST(RelayBufferTest, AssemblerKeepsPartialLinesUntilTheirEnd) {
  LineAssembler assembler;
  EXPECT_EQ(lines_of(assembler, "one\ntw"), (std::vector<std::string>{"one"}));
  EXPECT_EQ(assembler.partial_size(), 2u);
  EXPECT_EQ(lines_of(assembler, "o\n\nthree"), (std::vector<std::string>{"two", ""}));
  std::vector<std::string> flushed;
  assembler.flush([&](std::string_view line) { flushed.emplace_back(line); });
  EXPECT_EQ(flushed, (std::vector<std::string>{"three"}));
  EXPECT_EQ(assembler.partial_size(), 0u);
  assembler.flush([&](std::string_view line) { flushed.emplace_back(line); });
  EXPECT_EQ(flushed.size(), 1u);  // Nothing partial: nothing flushed.
}

TEST(RelayBufferTest, AssemblerCutsEndlessLines) {
  LineAssembler assembler;
  std::string huge(LineAssembler::kMaxLine * 2 + 10, 'x');
  std::vector<std::string> lines = lines_of(assembler, huge);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), LineAssembler::kMaxLine);
  EXPECT_EQ(assembler.partial_size(), 10u);
  lines = lines_of(assembler, "y\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::string(10, 'x') + "y");
  // A long line that ends in the same chunk is cut too.
  lines = lines_of(assembler, std::string(LineAssembler::kMaxLine + 1, 'z') + "\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "z");
}

TEST(RelayBufferTest, QueueTakesWholeLinesWithPrefix) {
  OutputQueue queue(1024);
  queue.push_line("web | ", "hello");
  queue.push_line("web | ", "");
  EXPECT_EQ(queue.pending(), "web | hello\nweb | \n");
  queue.consume(4);
  EXPECT_EQ(queue.pending(), "| hello\nweb | \n");
  queue.consume(100);
  EXPECT_TRUE(queue.empty());
}

TEST(RelayBufferTest, QueueDropsWholeLinesPastItsBoundAndSaysSo) {
  OutputQueue queue(20);
  queue.push_line("a | ", "0123456789");  // 15 bytes
  queue.push_line("a | ", "x");           // 6 more: over 20, dropped
  queue.push_line("a | ", "y");
  EXPECT_EQ(queue.pending(), "a | 0123456789\n");
  EXPECT_EQ(queue.dropped_unreported(), 2u);
  EXPECT_EQ(queue.dropped_total(), 2u);
  EXPECT_FALSE(queue.empty());
  queue.push_line("a | ", "z");  // Still no room.
  queue.consume(15);
  // The marker stands where the lines were lost, before anything queued after.
  EXPECT_EQ(queue.pending(), "");             // No room for a marker in so small a bound...
  EXPECT_EQ(queue.dropped_unreported(), 3u);  // ...so it waits for the next line that fits.
  OutputQueue roomy(100);
  for (int i = 0; i < 10; ++i) roomy.push_line("a | ", "0123456789");  // 6 fit, 4 dropped
  EXPECT_EQ(roomy.dropped_unreported(), 4u);
  roomy.consume(roomy.pending().size());
  EXPECT_EQ(roomy.pending(), "[tend: 4 lines dropped]\n");
  roomy.push_line("a | ", "after");
  EXPECT_EQ(roomy.pending(), "[tend: 4 lines dropped]\na | after\n");
  EXPECT_EQ(roomy.dropped_unreported(), 0u);
  EXPECT_EQ(roomy.dropped_total(), 4u);
}

TEST(RelayBufferTest, MarkerGoesInBeforeTheNextLineThatFits) {
  OutputQueue queue(30);
  queue.push_line("", std::string(25, 'a'));
  queue.push_line("", "lost");
  queue.consume(26);
  // 30 - 0 < kMarkerRoom: no marker on consume, but the next line brings it along.
  queue.push_line("", "b");
  EXPECT_EQ(queue.pending(), "[tend: 1 line dropped]\nb\n");
}

}  // namespace
}  // namespace tend
