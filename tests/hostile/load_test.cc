// SPDX-License-Identifier: MIT
// Load: tend outlasts storms — orphans by the ten thousand, signals by the tens of thousands,
// thousands of restarts — and runs short of descriptors or processes with a clear word, never a
// crash, a hang or a spin. Scaled to seconds; bench/stress runs the full sizes.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "hostile_util.h"
#include "sup_util.h"

namespace tend::e2e {
namespace {

using namespace std::chrono_literals;

class LoadTest : public testing::TestWithParam<Mode> {};

/// How big the storms are: seconds' worth by default; TEND_LOAD=full (bench/stress) gives the
/// sizes tend was first tried with by hand.
struct LoadSize {
  int orphans;
  int signal_batches;  ///< Of 1,000 signals each.
  size_t restarts;
  Duration timeout;  ///< Safety net for each wait on a storm: a busy machine takes seconds.
};

LoadSize load_size() {
  const char* size = std::getenv("TEND_LOAD");
  if (size != nullptr && std::string_view(size) == "full") return {50'000, 200, 20'000, 300s};
  return {20'000, 50, 2'000, 60s};
}

int zombie_children(pid_t pid) {
  int count = 0;
  for (pid_t child : children_of(pid)) {
    std::optional<ProcStat> stat = read_stat(child);
    if (stat && stat->state == 'Z') ++count;
  }
  return count;
}

// COMMAND's child makes 20,000 orphaned zombies in bursts of 2,000, and goes on until tend has
// forwarded SIGUSR2 to it: the storm ends only if signals get through while tend reaps. Every
// orphan is reaped, and COMMAND's status is tend's.
TEST_P(LoadTest, OrphanStormIsReapedWhileSignalsGetThrough) {
  LoadSize size = load_size();
  TendRun run(GetParam(), {.args = helper({"child", "tag", "S", "orphans-until", "USR2", "2000",
                                           std::to_string(size.orphans), ";;", "signals-until",
                                           "USR1", "exit", "7"})});
  run.wait_for_line("signals ready");
  run.wait_for_line("S orphans done", size.timeout);
  run.signal_tend(SIGUSR2);
  run.wait_for_line(signal_line(SIGUSR2), size.timeout);
  std::string total = run.wait_for_line("S orphans total=", size.timeout);
  EXPECT_EQ(field_of(total, "signalled"), "yes") << run.transcript();
  pid_t tend = run.tend_pid();
  run.wait_until([&] { return zombie_children(tend) == 0; }, "tend to reap every orphan",
                 size.timeout);
  EXPECT_EQ(run.stop(SIGUSR1), exit_with(7)) << run.transcript();
}

/// Counts the signals COMMAND (the helper in `signals`) printed, reading only new lines.
class ReceivedSignals {
 public:
  void take(const std::vector<std::string>& lines) {
    for (; seen_ < lines.size(); ++seen_) {
      if (!lines[seen_].starts_with("signal ")) continue;
      int signo = std::stoi(lines[seen_].substr(7));
      kinds_.insert(signo);
      if (signo >= SIGRTMIN) ++real_time_;
    }
  }
  long real_time() const { return real_time_; }
  const std::set<int>& kinds() const { return kinds_; }

 private:
  size_t seen_ = 0;
  long real_time_ = 0;
  std::set<int> kinds_;
};

// 50,000 signals in batches of 1,000: standard ones merge, real-time ones queue, and each
// real-time one reaches COMMAND exactly once. tend's memory stays flat, and SIGTERM afterwards
// stops it at once with COMMAND's status.
TEST_P(LoadTest, SignalFloodLeavesMemoryFlatAndStopPrompt) {
  LoadSize size = load_size();
  constexpr int kBatch = 1000;
  constexpr long kRssMarginKb = 64;
  const std::vector<int> mix = {SIGUSR1, SIGRTMIN, SIGUSR2, SIGRTMIN + 1,
                                SIGHUP,  SIGRTMAX, SIGUSR1, SIGRTMIN + 7};
  TendRun run(GetParam(), {.args = helper({"signals-until", "TERM", "exit", "3"})});
  run.wait_for_line("signals ready");
  pid_t tend = run.tend_pid();
  ReceivedSignals received;
  long real_time_sent = 0;
  long rss_warm = 0;
  for (int batch = 0; batch < size.signal_batches; ++batch) {
    for (int i = 0; i < kBatch; ++i) {
      int signo = mix[static_cast<size_t>(i) % mix.size()];
      ASSERT_EQ(kill(tend, signo), 0) << std::strerror(errno);
      if (signo >= SIGRTMIN) ++real_time_sent;
    }
    run.wait_until(
        [&] {
          received.take(run.lines());
          return received.real_time() >= real_time_sent;
        },
        "COMMAND to receive every real-time signal of batch " + std::to_string(batch),
        size.timeout);
    ASSERT_EQ(received.real_time(), real_time_sent) << "some were forwarded twice";
    if (batch == 0) rss_warm = status_number(tend, "VmRSS");
  }
  EXPECT_EQ(received.kinds(), std::set<int>(mix.begin(), mix.end()));
  long rss_after = status_number(tend, "VmRSS");
  EXPECT_LE(rss_after - rss_warm, kRssMarginKb)
      << "VmRSS grew from " << rss_warm << " kB to " << rss_after << " kB";
  Clock::time_point stop = Clock::now();
  EXPECT_EQ(run.stop(), exit_with(3)) << run.transcript();
  EXPECT_LT(milliseconds(run.exit_time() - stop), 2000);
}

/// What tend holds: open descriptors and resident memory, each the least of a few samples taken
/// while restarts go on (a sample may catch a spawn with its stack mapped).
struct Footprint {
  size_t fds = SIZE_MAX;
  long rss_kb = LONG_MAX;
};

Footprint least_footprint(pid_t pid) {
  Footprint least;
  for (int sample = 0; sample < 20; ++sample) {
    least.fds = std::min(least.fds, fd_targets(pid).size());
    least.rss_kb = std::min(least.rss_kb, status_number(pid, "VmRSS"));
    std::this_thread::sleep_for(1ms);  // Spread the samples over several restarts.
  }
  return least;
}

// COMMAND exits at once and is restarted after 1 ms, thousands of times: tend holds as many
// descriptors and as much memory after 2,000 restarts as after 200, and SIGTERM ends it at once.
// COMMAND ignores SIGTERM (inherited), so that its status is 0 wherever the stop lands.
TEST_P(LoadTest, ThousandsOfRestartsLeaveFdsAndMemoryFlat) {
  SKIP_FOR_SANITIZED_TEND("ASan keeps freed memory in quarantine, so RSS grows by design");
  LoadSize size = load_size();
  constexpr long kRssMarginKb = 64;
  TendRun run(GetParam(), {.args = options_then_helper({"--restart", "always", "--restart-delay",
                                                        "1ms", "--restart-delay-max", "1ms"},
                                                       {"exit", "0"}),
                           .ignored = {SIGTERM}});
  pid_t tend = run.tend_pid();
  auto wait_for_runs = [&](size_t count) {
    run.wait_until([&] { return run.lines().size() >= count; },
                   std::to_string(count) + " runs of COMMAND", size.timeout);
  };
  wait_for_runs(200);
  Footprint early = least_footprint(tend);
  wait_for_runs(size.restarts);
  Footprint late = least_footprint(tend);
  EXPECT_EQ(late.fds, early.fds);
  EXPECT_LE(late.rss_kb - early.rss_kb, kRssMarginKb)
      << "VmRSS grew from " << early.rss_kb << " kB to " << late.rss_kb << " kB";
  Clock::time_point stop = Clock::now();
  EXPECT_EQ(run.stop(), exit_with(0)) << run.stderr_text();
  EXPECT_LT(milliseconds(run.exit_time() - stop), 2000);
}

// RLIMIT_NOFILE from 3 up: each limit too small for tend is exit 125 with a message that names
// what could not be made; the smallest that is enough runs COMMAND and forwards signals.
TEST_P(LoadTest, TooFewDescriptorsFailClearlyAndEnoughWork) {
  SKIP_FOR_SANITIZED_TEND("the sanitizer runtime needs descriptors of its own to start");
  // unshare, linked dynamically, needs a fourth descriptor to load libc before tend runs.
  const rlim_t lowest = GetParam() == Mode::kPid1 ? 4 : 3;
  std::optional<rlim_t> enough;
  for (rlim_t limit = lowest; limit <= 16 && !enough; ++limit) {
    TendRun run(GetParam(),
                {.args = helper({"signals-until", "USR1", "exit", "4"}), .nofile_limit = limit});
    std::optional<int> status;
    run.wait_until(
        [&] {
          return has_line(run.lines(), "signals ready") || (status = run.wait_exit_within(0ms));
        },
        "tend to fail or COMMAND to start with RLIMIT_NOFILE " + std::to_string(limit));
    if (!status) {
      enough = limit;
      run.signal_tend(SIGUSR1);
      run.wait_for_line(signal_line(SIGUSR1));
      EXPECT_EQ(describe_status(run.wait_exit()), exit_with(4)) << run.transcript();
      break;
    }
    std::string err = run.stderr_text();
    EXPECT_EQ(describe_status(*status), exit_with(125)) << "limit " << limit << run.transcript();
    EXPECT_TRUE(err.starts_with("tend: cannot ")) << "limit " << limit << run.transcript();
    EXPECT_NE(err.find(std::strerror(EMFILE)), std::string::npos)
        << "limit " << limit << run.transcript();
  }
  ASSERT_TRUE(enough.has_value()) << "tend did not start even with 16 descriptors";
  EXPECT_GT(*enough, lowest) << "the lowest limit cannot be enough: stdio alone takes 3";
}

/// The smallest RLIMIT_NOFILE with which tend runs COMMAND to its end.
rlim_t smallest_nofile_limit(Mode mode) {
  for (rlim_t limit = 3; limit <= 16; ++limit) {
    Outcome outcome = run_to_exit(mode, {.args = helper({"exit", "0"}), .nofile_limit = limit});
    if (describe_status(outcome.status) == exit_with(0)) return limit;
  }
  throw std::runtime_error("tend did not run COMMAND even with 16 descriptors");
}

/// Subreaper tend at RLIMIT_NOFILE `limit`, --grace 500ms; COMMAND exits 0 and leaves behind
/// a process in a session of its own that ignores SIGTERM. Returns that leftover's pid.
pid_t start_with_leftover(std::optional<TendRun>& run, rlim_t limit) {
  run.emplace(Mode::kSubreaper,
              Launch{.args = options_then_helper({"--grace", "500ms"},
                                                 {"child", "setsid", "ignore", "TERM", "ready",
                                                  "sleep", ";;", "exit", "0"}),
                     .nofile_limit = limit});
  return std::stoi(field_of(run->wait_for_line("child pid="), "pid"));
}

// At the smallest descriptor limit tend starts with, a descriptor must still be there to open
// /proc when COMMAND ends (tend keeps two in reserve for it): else tend took that for "no usable
// /proc" and ended, leaving running a leftover that escaped COMMAND's process group. (As PID 1
// it uses kill(-1), which needs no /proc.)
TEST(LoadNofileTest, AtTheSmallestDescriptorLimitLeftoversAreStillStopped) {
  rlim_t limit = smallest_nofile_limit(Mode::kSubreaper);
  std::optional<TendRun> run;
  pid_t leftover = start_with_leftover(run, limit);
  std::optional<int> status = run->wait_exit_within(10s);
  ASSERT_TRUE(status.has_value()) << run->transcript();
  EXPECT_EQ(describe_status(*status), exit_with(0)) << run->transcript();
  // Reaped by tend, or else the test's child now (it is a subreaper): the harness kills it.
  EXPECT_FALSE(is_alive(leftover)) << "the leftover outlived tend at RLIMIT_NOFILE " << limit;
}

// With one descriptor more, opendir("/proc") took the last one and every open of /proc/PID/stat
// failed with EMFILE: those processes were skipped as if gone, cleanup saw nothing left, armed
// no grace period and waited for an ECHILD that never came, and a SIGTERM armed nothing either.
// Now the walk has its reserve, an unreadable stat file means "unseen", not "gone", and a stop
// while cleaning up always starts a grace period.
TEST(LoadNofileTest, WithOneDescriptorToSpareLeftoversDoNotHangTend) {
  rlim_t limit = smallest_nofile_limit(Mode::kSubreaper) + 1;
  std::optional<TendRun> run;
  pid_t leftover = start_with_leftover(run, limit);
  std::optional<int> status = run->wait_exit_within(5s);
  if (!status) {
    run->signal_tend(SIGTERM);
    status = run->wait_exit_within(3s);
  }
  ASSERT_TRUE(status.has_value()) << "tend hangs, even after SIGTERM, at RLIMIT_NOFILE " << limit
                                  << run->transcript();
  EXPECT_FALSE(is_alive(leftover)) << "the leftover outlived tend at RLIMIT_NOFILE " << limit;
}

// The same for --procfile: at the smallest descriptor limit it starts with, a service's leftover
// in a session of its own is still found and stopped (the walk through /proc has its reserve).
TEST(LoadNofileTest, ProcfileAtTheSmallestDescriptorLimitLeftoversAreStillStopped) {
  TempDir dir;
  std::string procfile =
      dir.file("Procfile", "a: " + kHelper + " child setsid ignore TERM ready sleep ';;' exit 0\n");
  for (rlim_t limit = 3; limit <= 32; ++limit) {
    TendRun run(Mode::kSubreaper,
                {.args = {"--grace", "300ms", "--procfile", procfile}, .nofile_limit = limit});
    std::optional<int> status = run.wait_exit_within(10s);
    ASSERT_TRUE(status.has_value()) << "limit " << limit << run.transcript();
    // Too few to start the service: tend said so with 125 (or, in the sanitizer build, its
    // runtime could not even load).
    std::string line = run.stdout_text();
    size_t at = line.find("child pid=");
    if (at == std::string::npos) continue;
    pid_t leftover = std::stoi(line.substr(at + 10));
    bool alive = is_alive(leftover);
    if (alive) kill(leftover, SIGKILL);  // Ours: the service printed it.
    EXPECT_FALSE(alive) << "the leftover outlived tend at RLIMIT_NOFILE " << limit
                        << run.transcript();
    return;
  }
  FAIL() << "tend --procfile did not start with 32 descriptors";
}

/// tend's pid when wrappers (prlimit, setpriv) exec it: TendRun::tend_pid() looks for
/// Launch.program, which is the first wrapper here.
pid_t tend_behind_wrappers(TendRun& run) {
  struct stat tend_file {};
  if (stat(kTend.c_str(), &tend_file) != 0) throw std::runtime_error("cannot stat " + kTend);
  auto is_tend = [&](pid_t pid) {
    struct stat exe {};
    return stat(("/proc/" + std::to_string(pid) + "/exe").c_str(), &exe) == 0 &&
           exe.st_dev == tend_file.st_dev && exe.st_ino == tend_file.st_ino;
  };
  pid_t found = -1;
  run.wait_until(
      [&] {
        std::vector<pid_t> candidates = children_of(run.root_pid());
        candidates.insert(candidates.begin(), run.root_pid());
        auto tend = std::find_if(candidates.begin(), candidates.end(), is_tend);
        if (tend != candidates.end()) found = *tend;
        return tend != candidates.end();
      },
      "tend to start behind its wrappers");
  return found;
}

/// Processes of the test's that run as `uid` and only wait: they use up that user's
/// RLIMIT_NPROC. Killed and reaped when this goes away.
class ProcessesOfUser {
 public:
  ProcessesOfUser(uid_t uid, int count) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    for (int i = 0; i < count; ++i) {
      pid_t pid = fork();
      if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
      if (pid == 0) {
        close(ready[0]);
        if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 ||
            setresuid(uid, uid, uid) != 0) {
          _exit(127);
        }
        char counted = 1;  // The user's process now.
        if (write(ready[1], &counted, 1) != 1) _exit(127);
        close(ready[1]);
        for (;;) pause();
      }
      pids_.push_back(pid);
    }
    close(ready[1]);
    int counted = 0;
    char byte;
    for (ssize_t got; (got = read(ready[0], &byte, 1)) != 0;) {
      if (got == 1) ++counted;
      if (got < 0 && errno != EINTR) break;
    }
    close(ready[0]);
    if (counted != count) throw std::runtime_error("cannot make processes of the test's user");
  }
  ~ProcessesOfUser() {
    for (pid_t pid : pids_) kill(pid, SIGKILL);
    // Only once reaped do they stop counting against the user's limit.
    for (pid_t pid : pids_) waitpid(pid, nullptr, 0);
  }
  ProcessesOfUser(const ProcessesOfUser&) = delete;
  ProcessesOfUser& operator=(const ProcessesOfUser&) = delete;

 private:
  std::vector<pid_t> pids_;
};

/// A user of no one else's, for this test process alone: RLIMIT_NPROC counts per user, and
/// other tests may run at the same time.
uid_t user_of_this_test() { return static_cast<uid_t>(300000 + getpid() % 100000); }

/// tend itself as `uid` with RLIMIT_NPROC `limit`: then its fork is what the limit refuses (as
/// root, or as a user with CAP_SYS_RESOURCE, the kernel ignores the limit).
Launch unprivileged_with_nproc(uid_t uid, int limit, std::vector<std::string> tend_args) {
  std::string id = std::to_string(uid);
  Launch launch{.stdin_pipe = true, .program = "/usr/bin/prlimit"};
  launch.args = {"--nproc=" + std::to_string(limit),
                 "setpriv",
                 "--reuid=" + id,
                 "--regid=" + id,
                 "--clear-groups",
                 kTend};
  launch.args.insert(launch.args.end(), tend_args.begin(), tend_args.end());
  return launch;
}

constexpr int kNprocLimit = 4;
constexpr const char* kCannotFork = "tend: cannot start COMMAND: Resource temporarily unavailable";

// The user's processes fill RLIMIT_NPROC while COMMAND runs, so every restart's fork fails with
// EAGAIN: tend says so each time, backs off as for any failed run and does not spin; once
// processes are free again the next restart runs COMMAND.
TEST_P(LoadTest, ForkRefusedAtARestartIsAFailedRunAndTendGoesOn) {
  uid_t uid = user_of_this_test();
  TendRun run(GetParam(),
              unprivileged_with_nproc(uid, kNprocLimit,
                                      options_then_helper({"--restart", "always", "--restart-delay",
                                                           "50ms", "--restart-delay-max", "50ms"},
                                                          {"start", "read-line", "exit", "0"})));
  pid_t tend = tend_behind_wrappers(run);
  run.wait_for_line("start ");
  {
    // With tend itself, kNprocLimit processes of the user: no room for a fork.
    ProcessesOfUser blockers(uid, kNprocLimit - 1);
    run.write_stdin("\n");
    auto refused = [&] { return stderr_lines_with(run, kCannotFork).size(); };
    run.wait_until([&] { return refused() >= 2; }, "two refused forks");
    size_t before = refused();
    Clock::time_point since = Clock::now();
    double cpu_before = cpu_seconds(tend);
    run.wait_until([&] { return refused() >= before + 6; }, "six more refused forks");
    // Each of the six came after a back-off of 50 ms (five of them wholly inside this window),
    // and waiting costs no CPU: a tend that retried at once, or spun, fails one or the other.
    EXPECT_GE(milliseconds(Clock::now() - since), 200) << run.stderr_text();
    EXPECT_LT(cpu_seconds(tend) - cpu_before, 0.1) << run.stderr_text();
    EXPECT_FALSE(run.has_exited()) << run.transcript();
  }
  run.wait_for_line("start ");
  ASSERT_EQ(kill(tend, SIGTERM), 0);  // Not run.signal_tend(): that looks for prlimit.
  EXPECT_EQ(describe_status(run.wait_exit()), command_died_of(GetParam(), SIGTERM))
      << run.transcript();
}

// With --restart on-failure:2 the two refused forks are the two failed runs it allows: tend ends
// with 125, as when COMMAND cannot be started at all.
TEST_P(LoadTest, ForkRefusedUntilTheRestartLimitEndsTendWith125) {
  SKIP_FOR_SANITIZED_TEND("LeakSanitizer needs a thread that RLIMIT_NPROC refuses");
  uid_t uid = user_of_this_test();
  TendRun run(GetParam(), unprivileged_with_nproc(
                              uid, kNprocLimit,
                              options_then_helper({"--restart", "on-failure:2", "--restart-delay",
                                                   "20ms", "--restart-delay-max", "20ms"},
                                                  {"start", "read-line", "exit", "3"})));
  run.wait_for_line("start ");
  ProcessesOfUser blockers(uid, kNprocLimit - 1);
  run.write_stdin("\n");
  EXPECT_EQ(describe_status(run.wait_exit()), exit_with(125)) << run.transcript();
  EXPECT_EQ(stderr_lines_with(run, kCannotFork).size(), 2u) << run.transcript();
  EXPECT_EQ(lines_starting(run.lines(), "start ").size(), 1u) << run.transcript();
}

INSTANTIATE_TEST_SUITE_P(Modes, LoadTest, testing::ValuesIn(kAllModes), ModeName());

}  // namespace
}  // namespace tend::e2e
