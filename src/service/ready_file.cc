// SPDX-License-Identifier: MIT
// ReadyFile: the --ready-file, made and removed without following or removing a stranger's file.
#include "service/ready_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "sys/path_watch.h"

namespace tend {
namespace {

UniqueFd open_directory(const std::string& path) {
  // O_PATH: opening the directory has no effect of its own and cannot block.
  return UniqueFd(open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

/// An empty regular file of tend's own user with no other link: what a killed tend leaves.
bool looks_stale(const struct stat& status) {
  return S_ISREG(status.st_mode) && status.st_uid == geteuid() && status.st_size == 0 &&
         status.st_nlink == 1;
}

const char* describe_entry(const struct stat& status) {
  if (S_ISLNK(status.st_mode)) return "a symlink";
  if (S_ISDIR(status.st_mode)) return "a directory";
  if (S_ISREG(status.st_mode)) return "a file";
  return "a special file";
}

}  // namespace

ReadyFile::ReadyFile(const std::string& path) : path_(absolute_path(path)) {
  size_t slash = path_.rfind('/');
  if (path_.empty() || slash == std::string::npos) return;
  directory_path_ = slash == 0 ? "/" : path_.substr(0, slash);
  name_ = path_.substr(slash + 1);
}

void ReadyFile::remove_stale() const {
  if (name_.empty()) return;
  UniqueFd directory = open_directory(directory_path_);
  if (directory.is_open() && remove_if_stale(directory.get())) {
    spdlog::info("removed the stale ready file '{}'", path_);
  }
}

void ReadyFile::create() {
  if (name_.empty() || is_ours()) return;
  created_.reset();
  directory_ = open_directory(directory_path_);
  if (!directory_.is_open()) {
    spdlog::warn("cannot create ready file '{}': {}", path_, std::strerror(errno));
    return;
  }
  UniqueFd fd = create_new(directory_.get());
  int error = errno;
  if (!fd.is_open() && error == EEXIST && remove_if_stale(directory_.get())) {
    fd = create_new(directory_.get());
    error = errno;
  }
  struct stat status {};
  if (fd.is_open() && fstat(fd.get(), &status) == 0) {
    created_ = FileId{status.st_dev, status.st_ino};
    return;
  }
  if (error == EEXIST &&
      fstatat(directory_.get(), name_.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
    spdlog::warn("not creating ready file '{}': {} is in its place, which tend did not make", path_,
                 describe_entry(status));
  } else {
    spdlog::warn("cannot create ready file '{}': {}", path_, std::strerror(error));
  }
  directory_.reset();
}

// To swap the entry between the check and unlinkat, one must first remove tend's file, and who
// may do that in this directory (with its sticky bit or not) may remove what takes its place as
// well: the unlink, made in the directory tend made the file in, gives nobody a new power.
void ReadyFile::remove() {
  if (!created_) return;
  if (!is_ours()) {
    spdlog::warn("not removing ready file '{}': it is no longer the file tend made", path_);
  } else if (unlinkat(directory_.get(), name_.c_str(), 0) != 0 && errno != ENOENT) {
    spdlog::warn("cannot remove ready file '{}': {}", path_, std::strerror(errno));
  }
  created_.reset();
  directory_.reset();
}

UniqueFd ReadyFile::create_new(int directory) const {
  constexpr int kFlags =
      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
  return UniqueFd(openat(directory, name_.c_str(), kFlags, 0644));
}

bool ReadyFile::is_ours() const {
  struct stat status {};
  return created_ && directory_.is_open() &&
         fstatat(directory_.get(), name_.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
         status.st_dev == created_->device && status.st_ino == created_->inode;
}

bool ReadyFile::remove_if_stale(int directory) const {
  struct stat status {};
  return fstatat(directory, name_.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0 &&
         looks_stale(status) && unlinkat(directory, name_.c_str(), 0) == 0;
}

}  // namespace tend
