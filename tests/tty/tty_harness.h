// SPDX-License-Identifier: MIT
// What the terminal tests add to the shared harness: the helper, the shells' environment, and
// runs without any terminal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness.h"

namespace tend::tty {

using namespace tend::test;  // NOLINT(google-build-using-namespace): the shared harness.

/// The prompt of every interactive bash the tests start (PS1).
inline constexpr std::string_view kPrompt = "[tty-test]> ";

/// Environment of everything the tests start: clean, predictable, $T = tend, $H = the helper.
std::vector<std::string> session_env();

/// Runs in a forked child: default signal handling, nothing blocked, then exec (PATH search).
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp);
/// argv/envp for exec_child; pointers into `strings`.
std::vector<char*> c_strings(std::vector<std::string>& strings);

/// Runs `argv` in a new session with no controlling terminal, stdin /dev/null and stdout and
/// stderr pipes (the e2e default), to its end; then kills whatever it left behind.
Outcome run_without_terminal(const std::vector<std::string>& argv,
                             Duration timeout = kEventTimeout);

}  // namespace tend::tty
