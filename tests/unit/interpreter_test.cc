// SPDX-License-Identifier: MIT
// Unit tests of finding the missing "#!" interpreter behind exec's ENOENT.
#include "sys/interpreter.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tend {
namespace {

/// A fresh directory with files in it, removed afterwards.
class ScriptDir : public testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/tend-interpreter-XXXXXX";
    ASSERT_NE(mkdtemp(name), nullptr);
    dir_ = name;
  }
  void TearDown() override {
    for (const auto& file : files_) unlink(file.c_str());
    rmdir(dir_.c_str());
  }
  std::string file(const std::string& name, const std::string& content, mode_t mode = 0755) {
    std::string path = dir_ + "/" + name;
    FILE* out = std::fopen(path.c_str(), "we");
    std::fwrite(content.data(), 1, content.size(), out);
    std::fclose(out);
    chmod(path.c_str(), mode);
    files_.push_back(path);
    return path;
  }
  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(ScriptDir, NamesTheMissingInterpreter) {
  EXPECT_EQ(missing_interpreter(file("a", "#!/no/such/sh\necho\n")), "/no/such/sh");
  EXPECT_EQ(missing_interpreter(file("b", "#! \t/no/such/sh -e -u\n")), "/no/such/sh");
  EXPECT_EQ(missing_interpreter(file("c", "#!/bin/sh\r\necho\n")), "/bin/sh\r");
  EXPECT_EQ(missing_interpreter(file("d", "#!/no/such/dir/sh")), "/no/such/dir/sh");
  EXPECT_EQ(missing_interpreter(file("e", "#!/etc/passwd/sh\n")), "/etc/passwd/sh");  // ENOTDIR.
}

TEST_F(ScriptDir, NothingWhenTheInterpreterIsThereOrThereIsNone) {
  EXPECT_EQ(missing_interpreter(file("a", "#!/bin/sh\necho\n")), std::nullopt);
  EXPECT_EQ(missing_interpreter(file("b", "echo\n")), std::nullopt);
  EXPECT_EQ(missing_interpreter(file("c", "#!\n")), std::nullopt);
  EXPECT_EQ(missing_interpreter(file("d", "")), std::nullopt);
  EXPECT_EQ(missing_interpreter(dir_ + "/absent"), std::nullopt);
  EXPECT_EQ(missing_interpreter(dir_), std::nullopt);  // A directory.
}

TEST_F(ScriptDir, FindsACommandThroughPath) {
  file("tend-test-script", "#!/no/such/python\n");
  const char* old = std::getenv("PATH");
  std::string saved = old != nullptr ? old : "";
  setenv("PATH", ("/no/such/dir:" + dir_).c_str(), 1);
  EXPECT_EQ(missing_interpreter("tend-test-script"), "/no/such/python");
  EXPECT_EQ(missing_interpreter("tend-no-such-command"), std::nullopt);
  setenv("PATH", saved.c_str(), 1);
}

// Opened without blocking: a FIFO where COMMAND was expected must not hang tend.
TEST_F(ScriptDir, AFifoIsNotAScript) {
  std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0700), 0);
  files_.push_back(fifo);
  EXPECT_EQ(missing_interpreter(fifo), std::nullopt);
}

}  // namespace
}  // namespace tend
