// SPDX-License-Identifier: MIT
// TempDirTest: a fresh directory under /tmp for each test, removed with all it holds afterwards.
#pragma once

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace tend {

class TempDirTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tend-unit-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    // Deepest first, and links themselves rather than what they point at.
    auto remove_entry = [](const char* path, const struct stat*, int, FTW*) {
      return std::remove(path);
    };
    EXPECT_EQ(nftw(root_.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0) << root_;
  }

  /// The path of `name` in the directory.
  std::string at(const std::string& name) const { return root_ + "/" + name; }

  /// Writes `text` to `path`: in place (the same inode) when the file exists, else a new file.
  static void write_file(const std::string& path, std::string_view text) {
    FILE* file = std::fopen(path.c_str(), "we");
    ASSERT_NE(file, nullptr) << path;
    EXPECT_EQ(std::fwrite(text.data(), 1, text.size(), file), text.size()) << path;
    ASSERT_EQ(std::fclose(file), 0) << path;
  }
  /// Writes `text` to `path`, then gives the file `mode`.
  static void write_file(const std::string& path, std::string_view text, mode_t mode) {
    write_file(path, text);
    ASSERT_EQ(chmod(path.c_str(), mode), 0) << path;
  }

  /// Makes the directory `name` in the directory.
  void make_directory(const std::string& name) const {
    ASSERT_EQ(mkdir(at(name).c_str(), 0755), 0) << name;
  }
  /// Makes `name` in the directory a symlink to `target`.
  void make_symlink(const std::string& target, const std::string& name) const {
    ASSERT_EQ(symlink(target.c_str(), at(name).c_str()), 0) << name;
  }

  /// What `path` holds; empty when it cannot be read.
  static std::string read_file(const std::string& path) {
    std::string text;
    FILE* file = std::fopen(path.c_str(), "re");
    if (file == nullptr) return text;
    char buffer[4096];
    for (size_t got; (got = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
      text.append(buffer, got);
    }
    std::fclose(file);
    return text;
  }

  std::string root_;
};

}  // namespace tend
