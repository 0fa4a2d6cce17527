// SPDX-License-Identifier: MIT
// tend_sup_helper: the COMMAND of the supervisor tests — an sd_notify client, a forking daemon
// and a reporter of what it was given, driven by a little script of words.
//
// Every line goes out with one write(2); lines that mark a moment end in " t=NANOSECONDS" of
// CLOCK_MONOTONIC (the clock behind std::chrono::steady_clock), so a test can measure gaps.
//
//   tag NAME             prefix every later line with "NAME "
//   start                print "start pid=PID t=..."
//   print TEXT           print TEXT
//   stamp TEXT           print "TEXT t=..."
//   exit N               print "exit N t=...", exit with code N
//   kill-self SIG        print "kill-self N t=...", die of SIG (no core dump)
//   sleep / sleep-ms N   wait forever / N milliseconds
//   read-line            wait for one line (or end of file) on stdin
//   ignore SIG           set SIG's disposition to SIG_IGN
//   signals-until SIG    block all signals, print "signals ready" (and release a parent waiting
//                        in `child`), then "signal N NAME t=... from=PID" for each one received
//                        (PID 0: the kernel's, say a terminal's Ctrl-C); go on with the next word
//                        after SIG, with no signal blocked
//   setsid               start a new session
//   env NAME             print "env NAME=VALUE" or "env NAME unset"
//   ids                  print "uid|gid|groups|nonewprivs VALUE" from /proc/self/status, "home H"
//   fds                  print "fds 0,1,2,..." and "fd N TARGET" for every fd above 2
//   listen               print "listen fds=$LISTEN_FDS pid=$LISTEN_PID self=PID"
//   notify TEXT          send TEXT to $NOTIFY_SOCKET (a path or an abstract "@name"); in TEXT,
//                        "{child}" is the pid of the last `child`, "{pid}" the own pid, and
//                        "{pid-head}" and "{pid-last}" its digits but the last, and the last
//   notify-burst N TEXT  send TEXT N times, each as soon as the socket takes it
//   notify-creds TEXT    same, with an explicit SCM_CREDENTIALS of this process
//   notify-fd TEXT       same, with the write end of a pipe attached (SCM_RIGHTS); then wait up
//                        to 5 s for the receiver to close it: print "fd closed" or "fd still open"
//   pings MS N           send WATCHDOG=1 N times, MS milliseconds apart, "ping K t=..." each
//                        (the moment just before the send)
//   write-fd N TEXT      write TEXT to fd N
//   flood TEXT           print "TEXT K" for K = 1, 2, ... forever, as fast as stdout takes them
//   count FILE           add one to the number in FILE, print "count N"
//   if-count N WORDS ;;  run WORDS only when the last `count` gave N
//   child WORDS ;;       fork a child running WORDS, print "child pid=PID", wait until it says
//                        `ready` (or ends), go on
//   reap                 wait for the last `child` to end, reap it, print "reaped PID"
//   ready                print "ready" and release a parent waiting in `child`
//   daemonize            classic double fork: the launcher (all signals blocked) waits until the
//                        daemon calls `write-pid`, `write-file` or `release` (or dies), prints
//                        "launcher exit 0" and exits 0; the daemon (in the new session of the
//                        middle process, whose group it does not lead) goes on with the next word
//   daemonize-nowait     the same, but the launcher exits 0 at once
//   write-pid PATH       write the own pid to PATH (atomically), release the launcher
//   write-file PATH TEXT write TEXT to PATH (atomically), release the launcher
//   release              release the launcher
//   part-open PATH       open PATH for writing (created, truncated: not atomically), keep it open
//   part-write TEXT      write TEXT (expanded as for `notify`) to it, release the launcher
//   part-close           close it
//   mkdir PATH           make the directory PATH
//   symlink TARGET PATH  make PATH a symlink to TARGET
//   burn-pids N          fork N children that exit at once, so that later pids have more digits
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "helper_io.h"

namespace {

using namespace tend::helper;  // NOLINT(google-build-using-namespace): the helper toolbox.

int g_ready_fd = -1;     // Held open until `ready`; a parent in `child` waits for its close.
int g_launcher_fd = -1;  // Held open until the daemon releases its launcher.
int g_part_fd = -1;      // The file of `part-open`.
pid_t g_last_child = -1;
long g_count = -1;

void report_ids() {
  emit("uid %s", status_field("Uid").c_str());
  emit("gid %s", status_field("Gid").c_str());
  emit("groups %s", status_field("Groups").c_str());
  emit("nonewprivs %s", status_field("NoNewPrivs").c_str());
  const char* home = std::getenv("HOME");
  emit("home %s", home == nullptr ? "(unset)" : home);
}

void report_fds() {
  std::string list;
  for (int fd = 0; fd < 1024; ++fd) {
    if (fcntl(fd, F_GETFD) < 0) continue;
    if (!list.empty()) list += ',';
    list += std::to_string(fd);
  }
  emit("fds %s", list.c_str());
  for (int fd = 3; fd < 1024; ++fd) {
    if (fcntl(fd, F_GETFD) < 0) continue;
    char path[64], target[4096];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(path, target, sizeof target - 1);
    target[length < 0 ? 0 : length] = '\0';
    emit("fd %d %s", fd, target);
  }
}

void report_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr)
    emit("env %s unset", name);
  else
    emit("env %s=%s", name, value);
}

/// Address of $NOTIFY_SOCKET: a path, or an abstract name when it starts with '@'.
socklen_t notify_address(sockaddr_un& address) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr || *name == '\0') fail("NOTIFY_SOCKET is not set");
  size_t length = std::strlen(name);
  if (length >= sizeof address.sun_path) fail("NOTIFY_SOCKET too long: '%s'", name);
  address = {};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name, length);
  if (name[0] == '@')
    address.sun_path[0] = '\0';
  else
    length += 1;  // A path includes its terminating NUL.
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
}

/// TEXT with "{child}" replaced by the pid of the last `child`, "{pid}" by the own pid, and
/// "{pid-head}" and "{pid-last}" by the own pid's digits but the last, and its last.
std::string expand(std::string_view text) {
  std::string out(text);
  std::string pid = std::to_string(getpid());
  for (auto [name, value] :
       {std::pair<std::string, std::string>{"{child}", std::to_string(g_last_child)},
        std::pair<std::string, std::string>{"{pid}", pid},
        std::pair<std::string, std::string>{"{pid-head}", pid.substr(0, pid.size() - 1)},
        std::pair<std::string, std::string>{"{pid-last}", pid.substr(pid.size() - 1)}}) {
    for (size_t at; (at = out.find(name)) != std::string::npos;) {
      out.replace(at, name.size(), value);
    }
  }
  return out;
}

/// Sends one datagram; `fd_to_pass` >= 0 goes along with SCM_RIGHTS.
void send_notify(std::string_view raw_text, bool with_credentials, int fd_to_pass) {
  std::string text = expand(raw_text);
  sockaddr_un address;
  socklen_t address_length = notify_address(address);
  int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) fail("socket: %s", std::strerror(errno));
  iovec iov{const_cast<char*>(text.data()), text.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_name = &address;
  message.msg_namelen = address_length;
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  size_t control_length = 0;
  if (with_credentials) control_length += CMSG_SPACE(sizeof(ucred));
  if (fd_to_pass >= 0) control_length += CMSG_SPACE(sizeof(int));
  if (control_length > 0) {
    message.msg_control = control;
    message.msg_controllen = control_length;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (with_credentials) {
      header->cmsg_level = SOL_SOCKET;
      header->cmsg_type = SCM_CREDENTIALS;
      header->cmsg_len = CMSG_LEN(sizeof(ucred));
      ucred credentials{getpid(), getuid(), getgid()};
      std::memcpy(CMSG_DATA(header), &credentials, sizeof credentials);
      header = CMSG_NXTHDR(&message, header);
    }
    if (fd_to_pass >= 0) {
      header->cmsg_level = SOL_SOCKET;
      header->cmsg_type = SCM_RIGHTS;
      header->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(header), &fd_to_pass, sizeof fd_to_pass);
    }
  }
  if (sendmsg(sock, &message, MSG_NOSIGNAL) < 0) {
    fail("sendmsg to '%s': %s", std::getenv("NOTIFY_SOCKET"), std::strerror(errno));
  }
  close(sock);
}

/// What systemd-notify's barrier does: pass a pipe's write end, wait for the receiver to close it.
void notify_with_fd(std::string_view text) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail("pipe2: %s", std::strerror(errno));
  send_notify(text, false, fds[1]);
  close(fds[1]);
  pollfd read_end{fds[0], POLLIN, 0};
  int ready = 0;
  do {
    ready = poll(&read_end, 1, 5000);
  } while (ready < 0 && errno == EINTR);
  char byte;
  bool closed = ready > 0 && read(fds[0], &byte, 1) == 0;
  close(fds[0]);
  emit(closed ? "fd closed t=%lld" : "fd still open t=%lld", now_ns());
}

void send_pings(int interval_ms, int count) {
  for (int i = 1; i <= count; ++i) {
    long long before = now_ns();  // No later than tend receives it.
    send_notify("WATCHDOG=1", false, -1);
    emit("ping %d t=%lld", i, before);
    if (i < count) sleep_ms(interval_ms);
  }
}

void print_signals_until(int until) {
  // All 64, glibc's own 32 and 33 too (its sigfillset and sigprocmask leave them out).
  sigset_t all;
  std::memset(&all, 0xff, sizeof all);
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, nullptr, 8) != 0) {
    fail("rt_sigprocmask: %s", std::strerror(errno));
  }
  int fd = static_cast<int>(syscall(SYS_signalfd4, -1, &all, 8, SFD_CLOEXEC));
  if (fd < 0) fail("signalfd: %s", std::strerror(errno));
  emit("signals ready");
  if (g_ready_fd >= 0) close(g_ready_fd);  // A parent waiting in `child` may go on.
  g_ready_fd = -1;
  for (;;) {
    signalfd_siginfo info{};
    ssize_t got = read(fd, &info, sizeof info);
    if (got < 0 && errno == EINTR) continue;
    if (got != sizeof info) fail("read signalfd: %s", std::strerror(errno));
    int signo = static_cast<int>(info.ssi_signo);
    const char* name = signo < SIGRTMIN ? sigabbrev_np(signo) : nullptr;
    emit("signal %d %s t=%lld from=%u", signo, name == nullptr ? "RT" : name, now_ns(),
         info.ssi_pid);
    if (signo == until) break;
  }
  close(fd);
  // Back to the state a plain program has, so that a later `sleep` dies of a signal as usual.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void report_and_kill_self(int signo) {
  emit("kill-self %d t=%lld", signo, now_ns());
  kill_self(signo);
}

void release_launcher() {
  if (g_launcher_fd >= 0) close(g_launcher_fd);
  g_launcher_fd = -1;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create '%s': %s", temporary.c_str(), std::strerror(errno));
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("write '%s': %s", temporary.c_str(), std::strerror(errno));
  }
  close(fd);
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    fail("rename to '%s': %s", path.c_str(), std::strerror(errno));
  }
  release_launcher();
}

void count_in(const char* path) {
  long count = 0;
  if (FILE* file = std::fopen(path, "re")) {
    if (std::fscanf(file, "%ld", &count) != 1) count = 0;
    std::fclose(file);
  }
  g_count = count + 1;
  write_file_atomically(path, std::to_string(g_count) + "\n");
  emit("count %ld", g_count);
}

/// Waits until the write ends of `fd`'s pipe are all closed.
void wait_for_close(int fd) {
  char byte;
  while (read(fd, &byte, 1) < 0 && errno == EINTR) {
  }
  close(fd);
}

void reap(pid_t pid) {
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

/// The launcher side of a classic daemon: fork, setsid, fork again, the middle exits.
void daemonize(bool wait_for_daemon) {
  int release_pipe[2];
  if (pipe2(release_pipe, O_CLOEXEC) != 0) fail("pipe2: %s", std::strerror(errno));
  // Signals that tests send to tend before it has adopted the daemon may reach the launcher: it
  // is to exit 0 all the same, as the tests expect of it. The daemon gets the old mask back.
  sigset_t all, old_mask;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old_mask);
  pid_t middle = fork();
  if (middle < 0) fail("fork: %s", std::strerror(errno));
  if (middle == 0) {
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    close(release_pipe[0]);
    if (setsid() < 0) fail("setsid: %s", std::strerror(errno));
    pid_t daemon = fork();
    if (daemon < 0) fail("fork: %s", std::strerror(errno));
    if (daemon > 0) _exit(0);
    g_launcher_fd = release_pipe[1];
    return;  // The daemon goes on with the script.
  }
  close(release_pipe[1]);
  reap(middle);
  if (wait_for_daemon) wait_for_close(release_pipe[0]);
  emit("launcher exit 0 t=%lld", now_ns());
  _exit(0);
}

void burn_pids(int count) {
  for (int i = 0; i < count; ++i) {
    pid_t pid = fork();
    if (pid < 0) fail("fork: %s", std::strerror(errno));
    if (pid == 0) _exit(0);
    reap(pid);
  }
}

void write_part(std::string_view raw_text) {
  std::string text = expand(raw_text);
  if (write(g_part_fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("part-write: %s", std::strerror(errno));
  }
  release_launcher();
}

int find_block_end(int end, char** argv, int start) {
  int depth = 1;
  for (int i = start; i < end; ++i) {
    std::string_view word = argv[i];
    if (word == "child" || word == "if-count") ++depth;
    if (word == ";;" && --depth == 0) return i;
  }
  fail("block without its ';;'");
}

void run(char** argv, int start, int end);

void run_child(char** argv, int start, int end) {
  int ready_pipe[2];
  if (pipe2(ready_pipe, O_CLOEXEC) != 0) fail("pipe2: %s", std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) fail("fork: %s", std::strerror(errno));
  if (pid == 0) {
    close(ready_pipe[0]);
    if (g_ready_fd >= 0) close(g_ready_fd);
    g_ready_fd = ready_pipe[1];
    // Only the daemon itself releases its launcher, not a child it started first.
    if (g_launcher_fd >= 0) close(g_launcher_fd);
    g_launcher_fd = -1;
    run(argv, start, end);
    _exit(0);
  }
  close(ready_pipe[1]);
  g_last_child = pid;
  emit("child pid=%d", pid);
  wait_for_close(ready_pipe[0]);
}

void run(char** argv, int start, int end) {
  for (int i = start; i < end;) {
    std::string_view word = argv[i++];
    auto next = [&]() -> const char* {
      if (i >= end) fail("'%.*s' needs an argument", static_cast<int>(word.size()), word.data());
      return argv[i++];
    };
    if (word == "tag") {
      g_tag = std::string(next()) + " ";
    } else if (word == "start") {
      emit("start pid=%d t=%lld", getpid(), now_ns());
    } else if (word == "print") {
      emit("%s", next());
    } else if (word == "stamp") {
      const char* text = next();
      emit("%s t=%lld", text, now_ns());
    } else if (word == "exit") {
      int code = parse_number(next());
      emit("exit %d t=%lld", code, now_ns());
      _exit(code);
    } else if (word == "kill-self") {
      report_and_kill_self(parse_signal(next()));
    } else if (word == "sleep") {
      for (;;) pause();
    } else if (word == "sleep-ms") {
      sleep_ms(parse_number(next()));
    } else if (word == "read-line") {
      char byte = 0;
      while (read(STDIN_FILENO, &byte, 1) == 1 && byte != '\n') {
      }
    } else if (word == "ignore") {
      set_disposition(parse_signal(next()), SIG_IGN);
    } else if (word == "signals-until") {
      print_signals_until(parse_signal(next()));
    } else if (word == "setsid") {
      if (setsid() < 0) fail("setsid: %s", std::strerror(errno));
    } else if (word == "env") {
      report_env(next());
    } else if (word == "ids") {
      report_ids();
    } else if (word == "fds") {
      report_fds();
    } else if (word == "listen") {
      const char* fds = std::getenv("LISTEN_FDS");
      const char* pid = std::getenv("LISTEN_PID");
      emit("listen fds=%s pid=%s self=%d", fds ? fds : "unset", pid ? pid : "unset", getpid());
    } else if (word == "notify") {
      send_notify(next(), false, -1);
    } else if (word == "notify-burst") {
      long count = parse_number(next());
      std::string_view text = next();
      for (long sent = 0; sent < count; ++sent) send_notify(text, false, -1);
    } else if (word == "notify-creds") {
      send_notify(next(), true, -1);
    } else if (word == "notify-fd") {
      notify_with_fd(next());
    } else if (word == "pings") {
      int interval = parse_number(next());
      send_pings(interval, parse_number(next()));
    } else if (word == "write-fd") {
      int fd = parse_number(next());
      std::string_view text = next();
      if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        fail("write to fd %d: %s", fd, std::strerror(errno));
      }
    } else if (word == "flood") {
      std::string_view text = next();
      for (long k = 1;; ++k) emit("%.*s %ld", static_cast<int>(text.size()), text.data(), k);
    } else if (word == "count") {
      count_in(next());
    } else if (word == "if-count") {
      long wanted = parse_number(next());
      int block_end = find_block_end(end, argv, i);
      if (g_count == wanted) run(argv, i, block_end);
      i = block_end + 1;
    } else if (word == "child") {
      int block_end = find_block_end(end, argv, i);
      run_child(argv, i, block_end);
      i = block_end + 1;
    } else if (word == "reap") {
      int status = 0;
      while (waitpid(g_last_child, &status, 0) < 0 && errno == EINTR) {
      }
      emit("reaped %d", g_last_child);
    } else if (word == "ready") {
      emit("ready");
      if (g_ready_fd >= 0) close(g_ready_fd);
      g_ready_fd = -1;
    } else if (word == "daemonize") {
      daemonize(true);
    } else if (word == "daemonize-nowait") {
      daemonize(false);
    } else if (word == "write-pid") {
      write_file_atomically(next(), std::to_string(getpid()) + "\n");
    } else if (word == "write-file") {
      const char* path = next();
      write_file_atomically(path, next());
    } else if (word == "release") {
      release_launcher();
    } else if (word == "part-open") {
      const char* path = next();
      g_part_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (g_part_fd < 0) fail("open '%s': %s", path, std::strerror(errno));
    } else if (word == "part-write") {
      write_part(next());
    } else if (word == "part-close") {
      close(g_part_fd);
      g_part_fd = -1;
    } else if (word == "mkdir") {
      const char* path = next();
      if (mkdir(path, 0755) != 0) fail("mkdir '%s': %s", path, std::strerror(errno));
    } else if (word == "symlink") {
      const char* target = next();
      const char* path = next();
      if (symlink(target, path) != 0) fail("symlink '%s': %s", path, std::strerror(errno));
    } else if (word == "burn-pids") {
      burn_pids(parse_number(next()));
    } else {
      fail("unknown word '%.*s'", static_cast<int>(word.size()), word.data());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  set_program_name("tend_sup_helper");
  run(argv, 1, argc);
  return 0;
}
