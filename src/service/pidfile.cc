// SPDX-License-Identifier: MIT
// Pid files of forking daemons: reading them, and waking up when one is written.
#include "service/pidfile.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>

namespace tend {

std::optional<pid_t> parse_pid(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  pid_t pid = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

std::optional<pid_t> read_pid_file(const std::string& path, bool& malformed) {
  malformed = false;
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.is_open()) return std::nullopt;
  char text[64];
  ssize_t got = read(fd.get(), text, sizeof text);
  if (got <= 0) return std::nullopt;
  std::optional<pid_t> pid = parse_pid(std::string_view(text, static_cast<size_t>(got)));
  malformed = !pid;
  return pid;
}

std::optional<PidFileWatch> PidFileWatch::start(const std::string& path) {
  UniqueFd fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!fd.is_open()) return std::nullopt;
  auto slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (inotify_add_watch(fd.get(), directory.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) <
      0) {
    return std::nullopt;
  }
  return PidFileWatch(std::move(fd));
}

void PidFileWatch::drain() const {
  alignas(inotify_event) char events[4096];
  while (read(fd_.get(), events, sizeof events) > 0) {
  }
}

}  // namespace tend
