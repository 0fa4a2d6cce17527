// SPDX-License-Identifier: MIT
// The toolbox of tend_helper, the COMMAND of the whole-program tests: printing whole lines,
// failing loudly, parsing its words, reading /proc/self/status, and dying of a signal.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace tend::helper {

/// Prefix of every line `emit` writes (with its trailing space); empty by default.
extern std::string g_tag;

/// Prints "tend_helper: message" to stderr and exits 99.
[[noreturn]] void fail(const char* format, ...) __attribute__((format(printf, 1, 2)));
/// `fail` with "what: strerror(errno)".
[[noreturn]] void fail_errno(const char* what);

/// Writes one whole line (g_tag, the text, a newline) with as few write(2) calls as the pipe
/// allows, so that lines of several processes never mix; exits 98 when nobody listens.
void emit(const char* format, ...) __attribute__((format(printf, 1, 2)));
/// The same from a signal handler: only async-signal-safe calls; `text` is printed as it is.
void emit_from_handler(const char* text, int number);

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
void set_disposition(int signo, void (*handler)(int), int flags = 0);

/// Dies of `signo`, without dumping a core.
[[noreturn]] void kill_self(int signo);

/// Waits for `pid`, retrying on EINTR; returns its wait status (0 when the kernel reaped it
/// already, as it does while SIGCHLD is ignored).
int reap(pid_t pid);

}  // namespace tend::helper
