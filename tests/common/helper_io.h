// SPDX-License-Identifier: MIT
// What the COMMAND helpers of the whole-program tests (tests/e2e/probe.cc and
// tests/supervisor/sup_helper.cc) share: printing whole lines, failing loudly, parsing their
// words, reading /proc/self/status, and dying of a signal.
#pragma once

#include <string>
#include <string_view>

namespace tend::helper {

/// Prefix of every line `emit` writes (with its trailing space); empty by default.
extern std::string g_tag;

/// Names the program in `fail` messages: "NAME: what went wrong".
void set_program_name(const char* name);

/// Prints "NAME: message" to stderr and exits 99.
[[noreturn]] void fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

/// Writes one whole line (g_tag, the text, a newline) with as few write(2) calls as the pipe
/// allows, so that lines of several processes never mix; exits 98 when nobody listens.
void emit(const char* format, ...) __attribute__((format(printf, 1, 2)));

/// A decimal number, or fail.
int parse_number(const char* text);

/// Signal number from "TERM", "SIGTERM", "RTMIN", "RTMIN+3", "RTMAX" or "15", or fail.
int parse_signal(std::string_view text);

/// "TERM" for SIGTERM, "RTMIN+N" for real-time signals.
std::string signal_label(int signo);

/// The value of a field of /proc/self/status ("SigBlk", "Uid", ...), trimmed; "" if missing.
std::string status_field(const char* name);

/// CLOCK_MONOTONIC in nanoseconds.
long long now_ns();

void sleep_ms(int ms);

/// sigaction with an empty mask, or fail.
void set_disposition(int signo, void (*handler)(int));

/// Dies of `signo`, without dumping a core.
[[noreturn]] void kill_self(int signo);

}  // namespace tend::helper
