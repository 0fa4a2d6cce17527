// SPDX-License-Identifier: MIT
// Why exec said "No such file or directory" of a file that is there: its "#!" interpreter is not.
#include "sys/interpreter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "sys/unique_fd.h"

namespace tend {
namespace {

/// The kernel reads this much of a file for its "#!" line (BINPRM_BUF_SIZE).
constexpr size_t kShebangBytes = 256;

/// Where execvp would look for `command`, in its order.
std::vector<std::string> candidates(const std::string& command) {
  if (command.find('/') != std::string::npos) return {command};
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/bin:/usr/bin";  // glibc's default.
  std::vector<std::string> found;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = std::min(dirs.find(':', start), dirs.size());
    std::string_view dir = dirs.substr(start, end - start);
    found.push_back((dir.empty() ? std::string(".") : std::string(dir)) + "/" + command);
    start = end + 1;
  }
  return found;
}

/// The interpreter on a regular file's "#!" line; nullopt for anything else. Non-blocking, so
/// that a FIFO put where COMMAND was expected cannot hang tend.
std::optional<std::string> shebang_interpreter(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat info {};
  if (!fd.is_open() || fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  char head[kShebangBytes];
  ssize_t got = read(fd.get(), head, sizeof head);
  std::string_view line(head, got > 0 ? static_cast<size_t>(got) : 0);
  if (!line.starts_with("#!")) return std::nullopt;
  line.remove_prefix(2);
  line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
  line = line.substr(0, line.find_first_of(std::string_view(" \t\n\0", 4)));
  if (line.empty()) return std::nullopt;
  return std::string(line);
}

}  // namespace

std::optional<std::string> missing_interpreter(const std::string& command) {
  for (const std::string& path : candidates(command)) {
    if (access(path.c_str(), F_OK) != 0) continue;
    std::optional<std::string> interpreter = shebang_interpreter(path);
    if (!interpreter) return std::nullopt;
    struct stat info {};
    if (stat(interpreter->c_str(), &info) == 0 || (errno != ENOENT && errno != ENOTDIR)) {
      return std::nullopt;
    }
    return interpreter;
  }
  return std::nullopt;
}

}  // namespace tend
