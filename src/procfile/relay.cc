// SPDX-License-Identifier: MIT
// ProcfileInit's output relay: each service's stdout and stderr come through a pipe, are cut
// into lines and go out prefixed with the service's name, without ever making tend wait.
//
// What a slow reader costs: each of tend's streams has a queue of kQueueBound bytes of whole
// lines. While the reader does not take them, tend goes on reading the services' pipes (so that
// no service blocks on its output either) and drops the lines that do not fit, whole, counting
// them; a "[tend: N lines dropped]" line stands in for them once there is room again. tend's own
// log lines go through the same stderr queue, so a stalled stderr cannot block a log call.
#include <unistd.h>

#include <cerrno>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "procfile/procfile_init.h"

namespace tend {
namespace {

/// Bytes of whole lines waiting for each of tend's stdout and stderr.
constexpr size_t kQueueBound = size_t{64} * 1024;
/// Reads of one pipe per wake-up: a chatty service must not starve the others or the signals.
constexpr size_t kReadChunk = size_t{64} * 1024;
/// At the end, how long a slow reader gets to take the rest.
constexpr Millis kFinalDrain{250};

/// spdlog's lines into the stderr queue, as one more writer of whole lines.
class RelayLogSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit RelayLogSink(std::function<void(std::string_view)> push) : push_(std::move(push)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string_view line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    push_(line);
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> push_;
};

char g_read_buffer[kReadChunk];  // One for all pipes: tend reads one at a time.

}  // namespace

std::optional<TendExit> ProcfileInit::set_up_relay() {
  if (options_.no_prefix) return std::nullopt;
  for (int stream = 0; stream < 2; ++stream) {
    sinks_[stream] = std::make_unique<OutputSink>(STDOUT_FILENO + stream, kQueueBound);
  }
  previous_logger_ = spdlog::default_logger();
  auto sink = std::make_shared<RelayLogSink>([this](std::string_view line) {
    sinks_[1]->queue().push_line("", line);
    flush_sink(1);
  });
  auto logger = std::make_shared<spdlog::logger>("tend", sink);
  logger->set_pattern("tend: %l: %v");
  logger->set_level(previous_logger_->level());
  spdlog::set_default_logger(logger);
  return std::nullopt;
}

void ProcfileInit::handle_output(Service& service, int stream) {
  ssize_t got = read(service.output[stream].get(), g_read_buffer, sizeof g_read_buffer);
  if (got > 0) {
    relay_lines(service, stream, std::string_view(g_read_buffer, static_cast<size_t>(got)));
  } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
    loop_->unwatch(service.output[stream].get());  // Cannot happen while tend holds a write end.
  }
}

void ProcfileInit::relay_lines(Service& service, int stream, std::string_view data) {
  OutputQueue& queue = sinks_[stream]->queue();
  service.lines[stream].feed(data,
                             [&](std::string_view line) { queue.push_line(service.prefix, line); });
  flush_sink(stream);
}

/// The service's main process ended: what it wrote is relayed, its partial last line too.
void ProcfileInit::drain_output(Service& service) {
  for (int stream = 0; stream < 2; ++stream) {
    // A bounded number of reads: what its leftovers go on writing comes through the loop.
    for (int round = 0; round < 4; ++round) {
      ssize_t got = read(service.output[stream].get(), g_read_buffer, sizeof g_read_buffer);
      if (got <= 0) break;
      relay_lines(service, stream, std::string_view(g_read_buffer, static_cast<size_t>(got)));
    }
    OutputQueue& queue = sinks_[stream]->queue();
    service.lines[stream].flush(
        [&](std::string_view line) { queue.push_line(service.prefix, line); });
    flush_sink(stream);
  }
}

/// Writes what the reader takes; while some is left, the loop wakes when it can take more.
void ProcfileInit::flush_sink(int stream) {
  OutputSink& sink = *sinks_[stream];
  bool left = sink.write_some();
  if (left && !sink_watched_[stream]) {
    sink_watched_[stream] =
        loop_->watch_writable(sink.fd(), [this, stream] { flush_sink(stream); });
  } else if (!left && sink_watched_[stream]) {
    loop_->unwatch(sink.fd());
    sink_watched_[stream] = false;
  }
}

/// tend ends: the last lines of every service, and a short wait for a slow reader.
void ProcfileInit::finish_output() {
  if (options_.no_prefix) return;
  for (Service& service : services_) drain_output(service);
  if (previous_logger_) spdlog::set_default_logger(std::exchange(previous_logger_, nullptr));
  TimePoint deadline = Clock::now() + kFinalDrain;
  for (auto& sink : sinks_) sink->drain_until(deadline);
}

}  // namespace tend
