// SPDX-License-Identifier: MIT
// Unit tests of the event loop: signals from a signalfd, polled descriptors, deadlines, and the
// sleep a deadline allows.
#include "loop/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "sys/signals.h"
#include "sys/unique_fd.h"

namespace tend {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// As in tend: every signal blocked while the loop runs. Whatever a test left pending is taken
/// before the mask is put back, so that nothing is delivered to the test runner.
class EventLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = InheritedSignals::capture();
    take_over_signals(saved_);
    loop_ =
        EventLoop::create([this](const ReceivedSignal& received) { signals_.push_back(received); });
    ASSERT_TRUE(loop_.has_value());
    int ends[2];
    ASSERT_EQ(pipe2(ends, O_CLOEXEC), 0);
    read_end_ = UniqueFd(ends[0]);
    write_end_ = UniqueFd(ends[1]);
  }
  void TearDown() override {
    write_end_.reset();
    read_end_.reset();
    UniqueFd drain(open_signalfd_for_every_signal());
    signalfd_siginfo info;
    while (read(drain.get(), &info, sizeof info) > 0) {
    }
    saved_.restore();
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
        loop_->unwatch(read_end_.get());
        saw_eof_ = true;
      }
      ++handler_runs_;
    };
  }
  static TimePoint in(milliseconds delay) { return Clock::now() + delay; }

  std::vector<ReceivedSignal> signals_;
  std::optional<EventLoop> loop_;
  UniqueFd read_end_, write_end_;
  size_t bytes_read_ = 0;
  int handler_runs_ = 0;
  bool saw_eof_ = false;

 private:
  InheritedSignals saved_{};
};

TEST_F(EventLoopTest, SignalReachesTheHandlerWithItsSender) {
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  loop_->wait_once(in(seconds(5)));
  ASSERT_EQ(signals_.size(), 1u);
  EXPECT_EQ(signals_[0].signo, SIGUSR1);
  EXPECT_EQ(signals_[0].sender, getpid());
  EXPECT_EQ(signals_[0].code, SI_USER);
  EXPECT_FALSE(signals_[0].sent_by_kernel());
}

TEST_F(EventLoopTest, GlibcsOwnSignalsAreReceivedNotFatal) {
  // glibc's sigfillset leaves out 32 and 33; unblocked, either would end the process here.
  ASSERT_EQ(kill(getpid(), 32), 0);
  ASSERT_EQ(kill(getpid(), 33), 0);
  for (int i = 0; i < 2 && signals_.size() < 2; ++i) loop_->wait_once(in(seconds(5)));
  ASSERT_EQ(signals_.size(), 2u);
  EXPECT_EQ(signals_[0].signo, 32);
  EXPECT_EQ(signals_[1].signo, 33);
}

TEST_F(EventLoopTest, AQueuedRealTimeSignalIsASignal) {
  sigval value{};
  ASSERT_EQ(sigqueue(getpid(), SIGRTMIN, value), 0);
  loop_->wait_once(in(seconds(5)));
  ASSERT_EQ(signals_.size(), 1u);
  EXPECT_EQ(signals_[0].signo, SIGRTMIN);
  EXPECT_EQ(signals_[0].code, SI_QUEUE);
}

TEST_F(EventLoopTest, ManySignalsAreAllTaken) {
  for (int signo = SIGRTMIN; signo < SIGRTMIN + 20; ++signo) ASSERT_EQ(kill(getpid(), signo), 0);
  for (int i = 0; i < 5 && signals_.size() < 20; ++i) loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(signals_.size(), 20u);
}

TEST_F(EventLoopTest, DeadlineEndsTheSleep) {
  TimePoint deadline = in(milliseconds(20));
  loop_->wait_once(deadline);
  EXPECT_GE(Clock::now(), deadline);
  EXPECT_TRUE(signals_.empty());
}

TEST_F(EventLoopTest, DataWrittenLaterWakesTheLoop) {
  ASSERT_TRUE(loop_->watch(read_end_.get(), reader(64)));
  loop_->wait_once(Clock::now());  // The first check after watch: nothing there yet.
  EXPECT_EQ(handler_runs_, 0);
  write_bytes(3);
  loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 3u);
  EXPECT_TRUE(signals_.empty());
  EXPECT_GT(fcntl(read_end_.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(EventLoopTest, DataThereBeforeTheWatchIsNotMissed) {
  write_bytes(5);
  ASSERT_TRUE(loop_->watch(read_end_.get(), reader(64)));
  loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 5u);
}

TEST_F(EventLoopTest, HandlerRunsAgainWhileTheFdStaysReadable) {
  ASSERT_TRUE(loop_->watch(read_end_.get(), reader(2)));
  loop_->wait_once(Clock::now());
  write_bytes(10);  // One write, five reads, one per wake-up while data is left.
  for (int i = 0; i < 5; ++i) loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 10u);
  EXPECT_EQ(handler_runs_, 5);
}

TEST_F(EventLoopTest, AFloodingWriterDoesNotHoldUpSignals) {
  ASSERT_TRUE(loop_->watch(read_end_.get(), reader(1)));
  write_bytes(40);
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(signals_.size(), 1u);  // Taken first: it was pending.
  EXPECT_EQ(bytes_read_, 1u);      // One handler run per wake-up...
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(signals_.size(), 2u);  // ...so a signal sent during a flood is taken at the next one.
  for (int i = 0; i < 50 && bytes_read_ < 40; ++i) loop_->wait_once(in(seconds(5)));
  EXPECT_EQ(bytes_read_, 40u);
}

TEST_F(EventLoopTest, HandlerMayUnwatchItsOwnFd) {
  ASSERT_TRUE(loop_->watch(read_end_.get(), reader(64)));
  write_end_.reset();
  loop_->wait_once(in(seconds(5)));
  EXPECT_TRUE(saw_eof_);
  int runs = handler_runs_;
  loop_->wait_once(Clock::now());
  EXPECT_EQ(handler_runs_, runs);
}

TEST(TimeLeft, ForeverWithoutDeadline) { EXPECT_EQ(time_left(std::nullopt, {}), std::nullopt); }

TEST(TimeLeft, ExactToTheNanosecond) {
  TimePoint now{milliseconds(7)};
  auto left = time_left(now + microseconds(1500), now);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->tv_sec, 0);
  EXPECT_EQ(left->tv_nsec, 1500000);
  left = time_left(now + std::chrono::seconds(3) + std::chrono::nanoseconds(5), now);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->tv_sec, 3);
  EXPECT_EQ(left->tv_nsec, 5);
}

TEST(TimeLeft, ZeroForAPastDeadline) {
  TimePoint now{milliseconds(50)};
  for (TimePoint deadline : {now - milliseconds(1), now}) {
    auto left = time_left(deadline, now);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->tv_sec, 0);
    EXPECT_EQ(left->tv_nsec, 0);
  }
}

}  // namespace
}  // namespace tend
