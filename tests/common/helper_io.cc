// SPDX-License-Identifier: MIT
// The toolbox of tend_helper; see helper_io.h.
#include "helper_io.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tend::helper {
namespace {

std::string formatted(const char* format, va_list args) {
  char text[4096];
  vsnprintf(text, sizeof text, format, args);
  return text;
}

/// Writes all of `line`, retrying short writes; false when the reader is gone.
bool write_all(int fd, const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t wrote = write(fd, line.data() + done, line.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    done += static_cast<size_t>(wrote);
  }
  return true;
}

}  // namespace

std::string g_tag;

void fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::string text = formatted(format, args);
  va_end(args);
  write_all(STDERR_FILENO, "tend_helper: " + text + "\n");
  _exit(99);
}

void fail_errno(const char* what) { fail("%s: %s", what, std::strerror(errno)); }

void emit(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::string text = formatted(format, args);
  va_end(args);
  if (!write_all(STDOUT_FILENO, g_tag + text + "\n")) _exit(98);  // Nobody listens any more.
}

void emit_from_handler(const char* text, int number) {
  int saved_errno = errno;
  char line[256];
  size_t length = 0;
  auto append = [&](const char* part, size_t size) {
    size = std::min(size, sizeof line - 1 - length);
    std::memcpy(line + length, part, size);
    length += size;
  };
  append(g_tag.data(), g_tag.size());
  append(text, std::strlen(text));
  char digits[16];
  size_t count = 0;
  do {
    digits[sizeof digits - 1 - count++] = static_cast<char>('0' + number % 10);
    number /= 10;
  } while (number > 0 && count < sizeof digits);
  append(digits + sizeof digits - count, count);
  line[length++] = '\n';
  for (size_t done = 0; done < length;) {
    ssize_t wrote = write(STDOUT_FILENO, line + done, length - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) break;
    done += static_cast<size_t>(wrote);
  }
  errno = saved_errno;
}

int parse_number(const char* text) {
  char* end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0') fail("not a number: '%s'", text);
  return static_cast<int>(value);
}

int parse_signal(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) {
    return std::atoi(std::string(text).c_str());
  }
  if (text.substr(0, 3) == "SIG") text.remove_prefix(3);
  if (text.substr(0, 6) == "RTMIN+") {
    return SIGRTMIN + std::atoi(std::string(text.substr(6)).c_str());
  }
  if (text == "RTMIN") return SIGRTMIN;
  if (text == "RTMAX") return SIGRTMAX;
  for (int signo = 1; signo < SIGRTMIN; ++signo) {
    const char* name = sigabbrev_np(signo);
    if (name != nullptr && text == name) return signo;
  }
  fail("unknown signal '%.*s'", static_cast<int>(text.size()), text.data());
}

std::string signal_label(int signo) {
  const char* name = signo < SIGRTMIN ? sigabbrev_np(signo) : nullptr;
  if (name != nullptr) return name;
  return "RTMIN+" + std::to_string(signo - SIGRTMIN);
}

std::string status_field(const char* name) {
  FILE* status = std::fopen("/proc/self/status", "re");
  if (status == nullptr) fail("cannot open /proc/self/status: %s", std::strerror(errno));
  char line[1024];
  std::string value;
  size_t length = std::strlen(name);
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, name, length) == 0 && line[length] == ':') {
      value = line + length + 1;
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t\n") + 1);
    }
  }
  std::fclose(status);
  return value;
}

long long now_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
}

void sleep_ms(int ms) {
  timespec left{ms / 1000, (ms % 1000) * 1'000'000L};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

void set_disposition(int signo, void (*handler)(int), int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  if (sigaction(signo, &action, nullptr) != 0) {
    fail("sigaction %d: %s", signo, std::strerror(errno));
  }
}

void kill_self(int signo) {
  struct rlimit no_core {};
  setrlimit(RLIMIT_CORE, &no_core);
  if (signo != SIGKILL && signo != SIGSTOP) set_disposition(signo, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signo);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  kill(getpid(), signo);
  fail("still alive after kill(self, %d)", signo);
}

int reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno == ECHILD) return 0;  // SIGCHLD ignored: the kernel reaped it already.
    if (errno != EINTR) fail_errno("waitpid");
  }
  return status;
}

}  // namespace tend::helper
