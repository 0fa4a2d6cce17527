// SPDX-License-Identifier: MIT
// Privileges: -u/--user USER[:GROUP] runs COMMAND as that user with its groups and HOME
// (names from /etc/passwd and /etc/group), tend stays root; --no-new-privs sets NoNewPrivs.
#include <signal.h>

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "sup_util.h"

namespace tend::e2e {
namespace {

class UserTest : public testing::TestWithParam<Mode> {};

/// The four ids of a "Uid:" or "Gid:" line (real, effective, saved, file system) or the
/// "Groups:" list, as numbers.
std::vector<long> numbers_in(const std::string& text) {
  std::vector<long> numbers;
  std::istringstream words(text);
  for (long number; words >> number;) numbers.push_back(number);
  return numbers;
}

std::vector<long> ids_line(TendRun& run, const std::string& name) {
  std::string line = run.wait_for_line(name + " ");
  return numbers_in(line.substr(name.size() + 1));
}

std::vector<long> four(long id) { return {id, id, id, id}; }

TEST_P(UserTest, CommandRunsAsTheUserWithItsGroupAndHome) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "nobody"}, {"ids", "exit", "0"})});
  EXPECT_EQ(ids_line(run, "uid"), four(65534));
  EXPECT_EQ(ids_line(run, "gid"), four(65534));
  std::vector<long> groups = ids_line(run, "groups");
  for (long group : groups) EXPECT_EQ(group, 65534) << "root's groups kept";
  EXPECT_EQ(run.wait_for_line("home "), "home /nonexistent");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, GroupByNameOverridesThePrimaryGroup) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "nobody:daemon"}, {"ids", "exit", "0"})});
  EXPECT_EQ(ids_line(run, "uid"), four(65534));
  EXPECT_EQ(ids_line(run, "gid"), four(1));
  for (long group : ids_line(run, "groups")) EXPECT_NE(group, 0) << "root's group kept";
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, NumericUserAndGroup) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "4321:4322"}, {"ids", "exit", "0"})});
  EXPECT_EQ(ids_line(run, "uid"), four(4321));
  EXPECT_EQ(ids_line(run, "gid"), four(4322));
  for (long group : ids_line(run, "groups")) EXPECT_EQ(group, 4322) << "root's groups kept";
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, NumericUserGetsItsPrimaryGroup) {
  TendRun run(GetParam(), {.args = options_then_helper({"--user", "65534"}, {"ids", "exit", "0"})});
  EXPECT_EQ(ids_line(run, "uid"), four(65534));
  EXPECT_EQ(ids_line(run, "gid"), four(65534));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

// With the image's own account files in place (bind-mounted over /etc in a private mount
// namespace): supplementary groups come from /etc/group, HOME from /etc/passwd.
TEST_P(UserTest, SupplementaryGroupsAndHomeFromTheAccountFiles) {
  TempDir dir;
  std::string passwd = dir.file("passwd",
                                "root:x:0:0:root:/root:/bin/sh\n"
                                "tu:x:4242:4243:Test User:/home/tu:/bin/sh\n"
                                "other:x:4300:4300::/home/other:/bin/sh\n");
  std::string group = dir.file("group",
                               "root:x:0:\n"
                               "tu:x:4243:\n"
                               "extra1:x:4244:tu\n"
                               "extra2:x:4245:other,tu\n"
                               "notmine:x:4246:other\n"
                               "tuple:x:4247:tux\n");
  std::string script = "mount --bind " + passwd + " /etc/passwd && mount --bind " + group +
                       " /etc/group && exec " + kTend + " --user tu -- " + kHelper + " ids exit 0";
  TendRun run(GetParam(), {.args = {"--mount", "sh", "-c", script}, .program = "unshare"});
  EXPECT_EQ(ids_line(run, "uid"), four(4242));
  EXPECT_EQ(ids_line(run, "gid"), four(4243));
  std::vector<long> groups = ids_line(run, "groups");
  std::set<long> group_set(groups.begin(), groups.end());
  EXPECT_TRUE(group_set.contains(4244)) << run.transcript();
  EXPECT_TRUE(group_set.contains(4245)) << run.transcript();
  EXPECT_FALSE(group_set.contains(4246)) << run.transcript();
  EXPECT_FALSE(group_set.contains(4247)) << run.transcript();
  EXPECT_FALSE(group_set.contains(0)) << run.transcript();
  EXPECT_EQ(run.wait_for_line("home "), "home /home/tu");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, TendItselfStaysRoot) {
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "nobody"},
                                           {"ids", "signals-until", "TERM", "exit", "0"})});
  EXPECT_EQ(ids_line(run, "uid"), four(65534));
  run.wait_for_line("signals ready");
  EXPECT_EQ(numbers_in(read_status(run.tend_pid())["Uid"]), four(0));
  // Still root enough to signal COMMAND.
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(UserTest, EveryRestartRunsAsTheUser) {
  TendRun run(GetParam(), {.args = options_then_helper({"--user", "nobody", "--restart",
                                                        "on-failure:1", "--restart-delay", "50ms"},
                                                       {"ids", "exit", "3"})});
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(3));
  std::vector<std::string> uids = lines_starting(run.lines(), "uid ");
  ASSERT_EQ(uids.size(), 2u) << run.transcript();
  for (const auto& line : uids) EXPECT_EQ(numbers_in(line.substr(4)), four(65534)) << line;
}

// COMMAND as nobody can still reach tend's notify socket.
TEST_P(UserTest, CommandAsAnotherUserCanNotify) {
  TempDir dir;
  std::string ready_file = dir.path() + "/ready";
  TendRun run(GetParam(),
              {.args = options_then_helper({"--user", "nobody", "--ready-file", ready_file},
                                           {"notify", "READY=1", "stamp", "notified",
                                            "signals-until", "TERM", "exit", "0"})});
  run.wait_for_line("notified");
  run.wait_until([&] { return file_exists(ready_file); }, "the ready file");
  run.wait_for_line("signals ready");
  EXPECT_EQ(run.stop(), exit_with(0));
}

TEST_P(UserTest, UserFromEnvironment) {
  TendRun run(GetParam(), {.args = helper({"ids", "exit", "0"}), .env = {"TEND_USER=nobody"}});
  EXPECT_EQ(ids_line(run, "uid"), four(65534));
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, UnknownUserOrGroupIsAnError) {
  for (const char* user : {"nosuchuser", "root:nosuchgroup", "nobody:nosuchgroup"}) {
    SCOPED_TRACE(user);
    Outcome outcome =
        run_to_exit(GetParam(), {.args = options_then_helper({"--user", user}, {"print", "ran"})});
    EXPECT_EQ(describe_status(outcome.status), exit_with(125));
    EXPECT_NE(outcome.err.find("tend: "), std::string::npos) << outcome.err;
    EXPECT_EQ(outcome.out.find("ran"), std::string::npos) << "COMMAND ran anyway";
  }
}

TEST_P(UserTest, NoNewPrivsIsSetForCommand) {
  TendRun run(GetParam(), {.args = options_then_helper({"--no-new-privs"}, {"ids", "exit", "0"})});
  EXPECT_EQ(run.wait_for_line("nonewprivs "), "nonewprivs 1");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, NoNewPrivsIsNotSetWithoutTheOption) {
  TendRun run(GetParam(), {.args = helper({"ids", "exit", "0"})});
  EXPECT_EQ(run.wait_for_line("nonewprivs "), "nonewprivs 0");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

TEST_P(UserTest, NoNewPrivsFromEnvironment) {
  TendRun run(GetParam(), {.args = helper({"ids", "exit", "0"}), .env = {"TEND_NO_NEW_PRIVS=1"}});
  EXPECT_EQ(run.wait_for_line("nonewprivs "), "nonewprivs 1");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(0));
}

INSTANTIATE_TEST_SUITE_P(Modes, UserTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
