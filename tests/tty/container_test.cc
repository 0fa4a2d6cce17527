// SPDX-License-Identifier: MIT
// A container with a tty: tend is session leader of the pty (PID 1, as `docker run -it`).
#include <gtest/gtest.h>
#include <signal.h>

#include "pty_session.h"

namespace tend::tty {
namespace {

/// How tend leads the session: as PID 1 of a new PID namespace (the container), or directly as
/// the session's first process, which is what `setsid --ctty tend ...` on a pty amounts to.
enum class Leader { kPid1, kSessionLeader };

std::string leader_name(Leader leader) { return leader == Leader::kPid1 ? "Pid1" : "Direct"; }

/// tend with `args` as leader of a pty session; `tend_pid()` is tend as the test sees it.
class ContainerTend {
 public:
  ContainerTend(Leader leader, const std::vector<std::string>& args)
      : leader_(leader), session_(argv(leader, args)) {}

  PtySession& session() { return session_; }

  pid_t tend_pid() {
    if (tend_pid_ < 0) {
      tend_pid_ = leader_ == Leader::kPid1 ? wait_for_child(session_, session_.leader(), kTend)
                                           : session_.leader();
    }
    return tend_pid_;
  }

  /// What tend's parent sees when COMMAND died of `signo`: 128+N from PID 1, else the signal.
  std::string command_died_of(int signo) const {
    return leader_ == Leader::kPid1 ? exit_with(128 + signo) : died_of(signo);
  }

 private:
  static std::vector<std::string> argv(Leader leader, const std::vector<std::string>& args) {
    std::vector<std::string> all;
    if (leader == Leader::kPid1) {
      // setsid does not fork here (unshare's child leads no group); --ctty steals the pty for
      // the new session, as a container runtime sets it up for PID 1.
      all = {"unshare", "--pid", "--fork", "--mount-proc", "setsid", "--ctty"};
    }
    all.push_back(kTend);
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }

  Leader leader_;
  PtySession session_;
  pid_t tend_pid_ = -1;
};

/// tend -- bash -i as PID 1: the bash of `docker run -it image bash`.
class ContainerBash : public ::testing::Test {
 protected:
  ContainerTend tend_{Leader::kPid1, {"--", "/bin/bash", "--norc", "--noprofile", "-i"}};
  PtySession& bash_ = tend_.session();

  /// bash as the test sees it: tend's only child.
  pid_t bash_pid() { return wait_for_child(bash_, tend_.tend_pid(), "/bin/bash"); }
};

TEST_F(ContainerBash, HasJobControlAndOwnsTheTerminal) {
  bash_.expect_prompt();
  EXPECT_FALSE(bash_.seen("job control")) << bash_.screen();
  EXPECT_FALSE(bash_.seen("cannot set terminal process group")) << bash_.screen();
  pid_t bash = bash_pid();
  EXPECT_EQ(bash_.foreground_group(), read_stat(bash)->pgrp);
  EXPECT_NE(read_stat(bash)->pgrp, read_stat(tend_.tend_pid())->pgrp);
}

TEST_F(ContainerBash, BackgroundJobsFgAndCtrlCWork) {
  bash_.expect_prompt();
  bash_.send_line("sleep 100 &");
  bash_.expect_regex(R"(\[1\] \d+)");
  bash_.expect_prompt();
  bash_.send_line("jobs");
  bash_.expect_regex(R"(\[1\]\+ +Running +sleep 100 &)");
  bash_.expect_prompt();
  pid_t bash_group = read_stat(bash_pid())->pgrp;
  bash_.send_line("fg");
  bash_.expect("sleep 100");
  bash_.wait_until([&] { return bash_.foreground_group() != bash_group; },
                   "fg to hand the terminal to sleep");
  bash_.send("\x03");
  bash_.expect_prompt();
  EXPECT_EQ(bash_.foreground_group(), bash_group);
  bash_.send_line("echo status=$?");
  bash_.expect("status=130");
  bash_.expect_prompt();
  bash_.send_line("exit");
  EXPECT_EQ(describe_status(bash_.wait_exit()), exit_with(0)) << bash_.screen();
}

TEST_F(ContainerBash, CtrlCAtThePromptDoesNotStopTend) {
  pid_t bash = bash_pid();
  for (int round = 0; round < 2; ++round) {
    bash_.expect_prompt();
    wait_until_reading(bash_, bash);
    bash_.send("\x03");
  }
  bash_.expect_prompt();
  bash_.send_line("echo al''ive");
  bash_.expect("alive");
  bash_.expect_prompt();
  EXPECT_TRUE(is_alive(tend_.tend_pid()));
  bash_.send_line("exit 5");
  EXPECT_EQ(describe_status(bash_.wait_exit()), exit_with(5)) << bash_.screen();
}

TEST(ContainerBashSigterm, StopsBashAfterGrace) {
  // Interactive bash ignores SIGTERM, so only the escalation ends it.
  ContainerTend tend(Leader::kPid1,
                     {"-t", "300ms", "--", "/bin/bash", "--norc", "--noprofile", "-i"});
  tend.session().expect_prompt();
  auto sent = Clock::now();
  send_signal(tend.tend_pid(), SIGTERM);
  int status = tend.session().wait_exit();
  auto took = Clock::now() - sent;
  EXPECT_EQ(describe_status(status), exit_with(128 + SIGKILL)) << tend.session().screen();
  EXPECT_GE(milliseconds(took), 300);
  EXPECT_LT(milliseconds(took), 5000);
}

class Container : public ::testing::TestWithParam<Leader> {};

TEST_P(Container, ProgramOwnsTheTerminal) {
  ContainerTend tend(GetParam(), {"--", kHelper, "report", "exit", "0"});
  Report report = expect_report(tend.session());
  EXPECT_EQ(report.fg0, "yes");
  EXPECT_EQ(report.pgrp, report.pid);
  EXPECT_EQ(describe_status(tend.session().wait_exit()), exit_with(0));
}

TEST_P(Container, ProgramThatStopsItselfIsResumedWithTheTerminal) {
  ContainerTend tend(GetParam(), {"--", kHelper, "stop", "report", "exit", "0"});
  PtySession& session = tend.session();
  session.expect("resumed");
  Report report = expect_report(session);
  EXPECT_EQ(report.fg0, "yes");
  EXPECT_EQ(describe_status(session.wait_exit()), exit_with(0)) << session.screen();
}

TEST_P(Container, CtrlZInProgramIsResumedWithTheTerminal) {
  ContainerTend tend(GetParam(), {"--", kHelper, "catch", "CONT", "report", "loop"});
  PtySession& session = tend.session();
  expect_report(session);
  session.send("\x1a");
  session.expect("caught CONT 1");
  session.send_line("q-fg");
  session.expect("fg yes");
  session.send_line("q-exit 7");
  EXPECT_EQ(describe_status(session.wait_exit()), exit_with(7)) << session.screen();
}

TEST_P(Container, CtrlCEndsProgramAndTendWithIt) {
  ContainerTend tend(GetParam(), {"--", kHelper, "catch", "INT", "report", "loop"});
  PtySession& session = tend.session();
  expect_report(session);
  session.send("\x03");
  session.expect("caught INT 1\n");
  session.send_line("q-die-int");
  EXPECT_EQ(describe_status(session.wait_exit()), tend.command_died_of(SIGINT)) << session.screen();
  EXPECT_FALSE(session.seen("caught INT 2")) << "SIGINT reached the program twice";
}

TEST_P(Container, ResizeReachesProgramExactlyOnce) {
  ContainerTend tend(GetParam(), {"--", kHelper, "catch", "WINCH", "report", "loop"});
  PtySession& session = tend.session();
  expect_report(session);
  session.resize(50, 132);
  session.expect("caught WINCH 1\n");
  session.send_line("q-size");
  session.expect("size rows=50 cols=132");
  session.send_line("q-exit 0");
  EXPECT_EQ(describe_status(session.wait_exit()), exit_with(0)) << session.screen();
  EXPECT_FALSE(session.seen("caught WINCH 2")) << "SIGWINCH reached the program twice";
}

TEST_P(Container, SigtermStopsProgramGracefully) {
  ContainerTend tend(GetParam(), {"--", kHelper, "exit-on", "TERM", "report", "loop"});
  PtySession& session = tend.session();
  expect_report(session);
  send_signal(tend.tend_pid(), SIGTERM);
  session.expect("caught TERM 1");
  EXPECT_EQ(describe_status(session.wait_exit()), exit_with(0)) << session.screen();
}

TEST_P(Container, SigtermEscalatesToSigkillAfterGrace) {
  ContainerTend tend(GetParam(),
                     {"-t", "200ms", "--", kHelper, "ignore", "TERM", "report", "loop"});
  PtySession& session = tend.session();
  expect_report(session);
  auto sent = Clock::now();
  send_signal(tend.tend_pid(), SIGTERM);
  int status = session.wait_exit();
  auto took = Clock::now() - sent;
  EXPECT_EQ(describe_status(status), tend.command_died_of(SIGKILL)) << session.screen();
  EXPECT_GE(milliseconds(took), 200);
  EXPECT_LT(milliseconds(took), 5000);
}

struct LeaderName {
  std::string operator()(const ::testing::TestParamInfo<Leader>& param_info) const {
    return leader_name(param_info.param);
  }
};

INSTANTIATE_TEST_SUITE_P(Leaders, Container,
                         ::testing::Values(Leader::kPid1, Leader::kSessionLeader), LeaderName());

}  // namespace
}  // namespace tend::tty
