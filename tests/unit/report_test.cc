// SPDX-License-Identifier: MIT
// Unit tests of how an exec failure is worded: the errno's text, or the missing "#!" interpreter.
#include "init/report.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "temp_dir.h"

namespace tend {
namespace {

using DescribeExecError = TempDirTest;

TEST_F(DescribeExecError, ScriptWhoseInterpreterIsMissingNamesIt) {
  write_file(at("script"), "#!/no/such/sh\necho\n", 0755);
  EXPECT_EQ(describe_exec_error(at("script"), ENOENT), "interpreter '/no/such/sh' not found");
}

// A script saved with CRLF line ends names "/bin/sh\r": the carriage return is shown.
TEST_F(DescribeExecError, CarriageReturnInTheInterpreterIsShown) {
  write_file(at("script"), "#!/bin/sh\r\necho\n", 0755);
  EXPECT_EQ(describe_exec_error(at("script"), ENOENT), "interpreter '/bin/sh\\x0d' not found");
}

TEST_F(DescribeExecError, OtherwiseTheErrnoText) {
  EXPECT_EQ(describe_exec_error(at("absent"), ENOENT), std::strerror(ENOENT));
  write_file(at("script"), "#!/bin/sh\necho\n", 0755);
  EXPECT_EQ(describe_exec_error(at("script"), ENOENT), std::strerror(ENOENT));
  EXPECT_EQ(describe_exec_error(at("script"), EACCES), std::strerror(EACCES));
  write_file(at("binary"), "#!/no/such/sh\n", 0644);
  EXPECT_EQ(describe_exec_error(at("binary"), EACCES), std::strerror(EACCES));
}

}  // namespace
}  // namespace tend
