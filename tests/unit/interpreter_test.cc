// SPDX-License-Identifier: MIT
// Unit tests of finding the missing "#!" interpreter behind exec's ENOENT.
#include "sys/interpreter.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "temp_dir.h"

namespace tend {
namespace {

/// A fresh directory to put scripts in.
class ScriptDir : public TempDirTest {
 protected:
  /// Makes an executable file `name` holding `content`; returns its path.
  std::string file(const std::string& name, const std::string& content) {
    write_file(at(name), content, 0755);
    return at(name);
  }
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
  EXPECT_EQ(missing_interpreter(at("absent")), std::nullopt);
  EXPECT_EQ(missing_interpreter(root_), std::nullopt);  // A directory.
}

TEST_F(ScriptDir, FindsACommandThroughPath) {
  file("tend-test-script", "#!/no/such/python\n");
  const char* old = std::getenv("PATH");
  std::string saved = old != nullptr ? old : "";
  setenv("PATH", ("/no/such/dir:" + root_).c_str(), 1);
  EXPECT_EQ(missing_interpreter("tend-test-script"), "/no/such/python");
  EXPECT_EQ(missing_interpreter("tend-no-such-command"), std::nullopt);
  setenv("PATH", saved.c_str(), 1);
}

// Opened without blocking: a FIFO where COMMAND was expected must not hang tend.
TEST_F(ScriptDir, AFifoIsNotAScript) {
  std::string fifo = at("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0700), 0);
  EXPECT_EQ(missing_interpreter(fifo), std::nullopt);
}

}  // namespace
}  // namespace tend
