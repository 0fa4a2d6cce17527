// SPDX-License-Identifier: MIT
// ReadyFile: the --ready-file that exists while COMMAND is ready, made and removed by a root that
// never writes through a stranger's symlink and never removes a file it did not make.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "sys/unique_fd.h"

namespace tend {

/// The ready file is made new, empty, in the directory of its path: O_CREAT|O_EXCL|O_NOFOLLOW,
/// so neither a symlink planted at the path (by COMMAND's user, say) nor a file someone else made
/// is truncated or written through. Whatever is at the path is left alone, with a warning — except
/// an empty regular file of tend's own user with no other link, which is what a tend killed by
/// SIGKILL leaves behind and holds nothing to lose. tend removes only the file it made: the one
/// whose device and inode it noted, still at the path, through the directory it made it in.
class ReadyFile {
 public:
  /// `path` empty: no ready file. A relative one is taken against the working directory now.
  explicit ReadyFile(const std::string& path);

  /// At start-up: removes a stale ready file of an earlier tend, so that it does not say "ready"
  /// for a COMMAND that is not.
  void remove_stale() const;
  /// COMMAND is ready.
  void create();
  /// COMMAND is no longer ready, or tend ends.
  void remove();

 private:
  /// A new file at the path, never an existing one nor through a symlink.
  [[nodiscard]] UniqueFd create_new(int directory) const;
  bool is_ours() const;
  [[nodiscard]] bool remove_if_stale(int directory) const;

  std::string path_;
  std::string directory_path_;
  std::string name_;
  UniqueFd directory_;  ///< Where the file was made: removed there, even if the path moves.
  struct FileId {
    dev_t device;
    ino_t inode;
  };
  std::optional<FileId> created_;
};

}  // namespace tend
