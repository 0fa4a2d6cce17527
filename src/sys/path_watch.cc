// SPDX-License-Identifier: MIT
// PathWatch: inotify on every directory that the lookup of one path passes through.
#include "sys/path_watch.h"

#include <limits.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>

namespace tend {
namespace {

/// What changes the lookup in a directory: an entry made, removed or renamed, or the directory
/// itself going away.
constexpr uint32_t kEntryEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;
/// In the directory of the path's last component, writes to the file count too.
constexpr uint32_t kFileEvents = kEntryEvents | IN_MODIFY | IN_CLOSE_WRITE;
/// As many symlinks as the kernel follows in one lookup (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

/// The non-empty components of `path`, in order.
std::deque<std::string> components(const std::string& path) {
  std::deque<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string child_of(const std::string& directory, const std::string& name) {
  return directory == "/" ? "/" + name : directory + "/" + name;
}

/// Lexical parent: `directory` holds no symlink, since the walk only descends into directories.
std::string parent_of(const std::string& directory) {
  size_t slash = directory.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : directory.substr(0, slash);
}

std::optional<std::string> read_link(const std::string& path) {
  char target[PATH_MAX];
  ssize_t length = readlink(path.c_str(), target, sizeof target);
  if (length <= 0 || static_cast<size_t>(length) >= sizeof target) return std::nullopt;
  return std::string(target, static_cast<size_t>(length));
}

}  // namespace

std::string absolute_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return child_of(cwd, path);
}

std::optional<PathWatch> PathWatch::start(const std::string& path) {
  UniqueFd fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!fd.is_open()) return std::nullopt;
  PathWatch watch(std::move(fd), absolute_path(path));
  if (!watch.watch_lookup()) return std::nullopt;
  return watch;
}

void PathWatch::update() {
  alignas(inotify_event) char events[4096];
  while (read(fd_.get(), events, sizeof events) > 0) {
  }
  watch_lookup();
}

bool PathWatch::has_pending_events() const {
  int queued = 0;
  return ioctl(fd_.get(), FIONREAD, &queued) == 0 && queued > 0;
}

/// Walks the lookup of path_ and watches each directory it looks in — before looking, so that an
/// entry made just after the look still queues an event. The walk ends at the first entry that
/// does not exist (yet): its directory sees it appear. Watches no longer on the way are removed.
/// Returns whether any directory is watched.
bool PathWatch::watch_lookup() {
  std::vector<int> watched;
  int watch_error = 0;
  std::deque<std::string> rest = components(path_);
  std::string directory = "/";
  int links = 0;
  while (!rest.empty()) {
    std::string name = std::move(rest.front());
    rest.pop_front();
    if (name == "." || name == "..") {
      if (name == "..") directory = parent_of(directory);
      continue;
    }
    uint32_t events = (rest.empty() ? kFileEvents : kEntryEvents) | IN_ONLYDIR | IN_DONT_FOLLOW;
    int wd = inotify_add_watch(fd_.get(), directory.c_str(), events);
    if (wd < 0) {
      watch_error = errno;
    } else if (std::find(watched.begin(), watched.end(), wd) == watched.end()) {
      watched.push_back(wd);
    }
    std::string entry = child_of(directory, name);
    struct stat status {};
    if (lstat(entry.c_str(), &status) != 0) break;
    if (S_ISLNK(status.st_mode)) {
      std::optional<std::string> target = read_link(entry);
      if (!target || ++links > kMaxLinks) break;
      // assign(1, c): GCC 12 with the sanitizers reports a false -Wrestrict for = "/".
      if (target->front() == '/') directory.assign(1, '/');
      std::deque<std::string> parts = components(*target);
      rest.insert(rest.begin(), parts.begin(), parts.end());
      continue;
    }
    if (rest.empty() || !S_ISDIR(status.st_mode)) break;
    directory = std::move(entry);
  }
  for (int wd : watches_) {
    if (std::find(watched.begin(), watched.end(), wd) == watched.end()) {
      inotify_rm_watch(fd_.get(), wd);
    }
  }
  watches_ = std::move(watched);
  errno = watch_error;
  return !watches_.empty();
}

}  // namespace tend
