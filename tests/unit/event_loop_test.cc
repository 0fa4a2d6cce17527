// SPDX-License-Identifier: MIT
// Unit tests of the event loop: signals, signal-driven descriptors, deadlines.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "sys/unique_fd.h"

namespace tend {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ReportsReadiness, OnlyWhatTheKernelMarks) {
  EXPECT_TRUE(reports_readiness(io_signal(), POLL_IN));
  EXPECT_TRUE(reports_readiness(io_signal(), POLL_HUP));
  EXPECT_TRUE(reports_readiness(SIGIO, SI_KERNEL));  // The real-time queue was full.
  // The same numbers sent by a process are signals to forward.
  EXPECT_FALSE(reports_readiness(io_signal(), SI_USER));
  EXPECT_FALSE(reports_readiness(io_signal(), SI_QUEUE));
  EXPECT_FALSE(reports_readiness(io_signal(), SI_TKILL));
  EXPECT_FALSE(reports_readiness(SIGIO, SI_USER));
  EXPECT_FALSE(reports_readiness(SIGTERM, SI_KERNEL));
  EXPECT_FALSE(reports_readiness(io_signal() + 1, POLL_IN));
}

/// As in tend: every signal blocked while the loop runs. Whatever a test left pending is taken
/// before the mask is put back, so that nothing is delivered to the test runner.
class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &saved_mask_);
    int ends[2];
    ASSERT_EQ(pipe2(ends, O_CLOEXEC), 0);
    read_end_ = UniqueFd(ends[0]);
    write_end_ = UniqueFd(ends[1]);
  }
  void TearDown() override {
    write_end_.reset();  // Its closing signals the read end's readiness: take that here too.
    read_end_.reset();
    sigset_t all;
    sigfillset(&all);
    timespec now{0, 0};
    while (sigtimedwait(&all, nullptr, &now) > 0) {
    }
    sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
  }

  void write_bytes(size_t count) {
    std::string bytes(count, 'x');
    ASSERT_EQ(write(write_end_.get(), bytes.data(), count), static_cast<ssize_t>(count));
  }
  /// A handler that reads at most `per_call` bytes each time it runs.
  EventLoop::Handler reader(size_t per_call) {
    return [this, per_call] {
      char buffer[64];
      ssize_t got = read(read_end_.get(), buffer, per_call);
      if (got > 0) bytes_read_ += static_cast<size_t>(got);
      if (got == 0) {
        loop_.unwatch(read_end_.get());
        saw_eof_ = true;
      }
      ++handler_runs_;
    };
  }
  static TimePoint in(milliseconds delay) { return Clock::now() + delay; }

  std::vector<ReceivedSignal> signals_;
  EventLoop loop_{[this](const ReceivedSignal& received) { signals_.push_back(received); }};
  UniqueFd read_end_, write_end_;
  size_t bytes_read_ = 0;
  int handler_runs_ = 0;
  bool saw_eof_ = false;

 private:
  sigset_t saved_mask_{};
};

TEST_F(EventLoopTest, SignalReachesTheHandlerWithItsSender) {
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  loop_.wait_once(in(seconds(5)));
  ASSERT_EQ(signals_.size(), 1u);
  EXPECT_EQ(signals_[0].signo, SIGUSR1);
  EXPECT_EQ(signals_[0].sender, getpid());
  EXPECT_EQ(signals_[0].code, SI_USER);
  EXPECT_FALSE(signals_[0].sent_by_kernel());
}

TEST_F(EventLoopTest, TheReadinessSignalSentByAProcessIsAnOrdinarySignal) {
  sigval value{};
  ASSERT_EQ(sigqueue(getpid(), io_signal(), value), 0);
  loop_.wait_once(in(seconds(5)));
  ASSERT_EQ(signals_.size(), 1u);
  EXPECT_EQ(signals_[0].signo, io_signal());
  EXPECT_EQ(signals_[0].code, SI_QUEUE);
}

TEST_F(EventLoopTest, DeadlineEndsTheSleep) {
  TimePoint deadline = in(milliseconds(20));
  loop_.wait_once(deadline);
  EXPECT_GE(Clock::now(), deadline);
  EXPECT_TRUE(signals_.empty());
}

TEST_F(EventLoopTest, DataWrittenLaterArrivesAsASignal) {
  ASSERT_TRUE(loop_.watch(read_end_.get(), reader(64)));
  loop_.wait_once(Clock::now());  // The first check after watch: nothing there yet.
  EXPECT_EQ(handler_runs_, 0);
  write_bytes(3);
  // Without the readiness signal this would sleep out the 5 s and fail below.
  loop_.wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 3u);
  EXPECT_TRUE(signals_.empty());  // Readiness is not a signal to handle.
  EXPECT_GT(fcntl(read_end_.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(EventLoopTest, DataThereBeforeTheWatchIsNotMissed) {
  write_bytes(5);
  ASSERT_TRUE(loop_.watch(read_end_.get(), reader(64)));
  loop_.wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 5u);
}

TEST_F(EventLoopTest, HandlerRunsAgainWhileTheFdStaysReadable) {
  ASSERT_TRUE(loop_.watch(read_end_.get(), reader(2)));
  loop_.wait_once(Clock::now());
  write_bytes(10);  // One write, one readiness signal, five reads.
  loop_.wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 10u);
  EXPECT_EQ(handler_runs_, 5);
}

TEST_F(EventLoopTest, AFloodingWriterDoesNotHoldUpSignals) {
  ASSERT_TRUE(loop_.watch(read_end_.get(), reader(1)));
  write_bytes(40);
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  loop_.wait_once(in(seconds(5)));
  EXPECT_EQ(signals_.size(), 1u);  // Taken first: it was pending.
  EXPECT_GT(bytes_read_, 0u);
  EXPECT_LT(bytes_read_, 40u);  // One wake-up runs a bounded number of rounds...
  for (int i = 0; i < 10 && bytes_read_ < 40; ++i) loop_.wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 40u);  // ...and the following ones carry on without a new signal.
}

TEST_F(EventLoopTest, HandlerMayUnwatchItsOwnFd) {
  ASSERT_TRUE(loop_.watch(read_end_.get(), reader(64)));
  write_end_.reset();
  loop_.wait_once(in(seconds(5)));
  EXPECT_TRUE(saw_eof_);
  int runs = handler_runs_;
  loop_.wait_once(Clock::now());
  EXPECT_EQ(handler_runs_, runs);
  EXPECT_EQ(fcntl(read_end_.get(), F_GETFL) & O_ASYNC, 0);
}

}  // namespace
}  // namespace tend
