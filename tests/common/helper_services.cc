// SPDX-License-Identifier: MIT
// tend_helper's words for supervision: sd_notify messages, a classic forking daemon, pid and
// ready files, and reports of the ids, descriptors and environment it was given.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "helper_io.h"
#include "helper_words.h"

namespace tend::helper {
namespace {

int g_launcher_fd = -1;  // Held open until the daemon releases its launcher.
int g_part_fd = -1;      // The file of `part-open`.
long g_count = -1;

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
void send_datagram(std::string_view raw_text, bool with_credentials, int fd_to_pass) {
  std::string text = expand(raw_text);
  sockaddr_un address;
  socklen_t address_length = notify_address(address);
  int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) fail_errno("socket");
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

/// Waits until the write ends of `fd`'s pipe are all closed.
void wait_for_close(int fd) {
  char byte;
  while (read(fd, &byte, 1) < 0 && errno == EINTR) {
  }
  close(fd);
}

}  // namespace

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

void report_listen() {
  const char* fds = std::getenv("LISTEN_FDS");
  const char* pid = std::getenv("LISTEN_PID");
  emit("listen fds=%s pid=%s self=%d", fds ? fds : "unset", pid ? pid : "unset", getpid());
}

void send_notify(std::string_view raw_text, bool with_credentials) {
  send_datagram(raw_text, with_credentials, -1);
}

void notify_with_fd(std::string_view text) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe2");
  send_datagram(text, false, fds[1]);
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
    send_notify("WATCHDOG=1");
    emit("ping %d t=%lld", i, before);
    if (i < count) sleep_ms(interval_ms);
  }
}

void daemonize(bool wait_for_daemon) {
  int release_pipe[2];
  if (pipe2(release_pipe, O_CLOEXEC) != 0) fail_errno("pipe2");
  // Signals that tests send to tend before it has adopted the daemon may reach the launcher: it
  // is to exit 0 all the same, as the tests expect of it. The daemon gets the old mask back.
  sigset_t all, old_mask;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old_mask);
  pid_t middle = fork();
  if (middle < 0) fail_errno("fork");
  if (middle == 0) {
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    close(release_pipe[0]);
    if (setsid() < 0) fail_errno("setsid");
    pid_t daemon = fork();
    if (daemon < 0) fail_errno("fork");
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

void release_launcher() {
  if (g_launcher_fd >= 0) close(g_launcher_fd);
  g_launcher_fd = -1;
}

void write_file_atomically(const char* path, std::string_view text) {
  std::string temporary = std::string(path) + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create '%s': %s", temporary.c_str(), std::strerror(errno));
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("write '%s': %s", temporary.c_str(), std::strerror(errno));
  }
  close(fd);
  if (rename(temporary.c_str(), path) != 0) fail("rename to '%s': %s", path, std::strerror(errno));
  release_launcher();
}

void write_own_pid(const char* path) {
  write_file_atomically(path, std::to_string(getpid()) + "\n");
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

bool last_count_is(int wanted) { return g_count == wanted; }

void part_open(const char* path) {
  g_part_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (g_part_fd < 0) fail("open '%s': %s", path, std::strerror(errno));
}

void part_write(std::string_view raw_text) {
  std::string text = expand(raw_text);
  if (write(g_part_fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail_errno("part-write");
  }
  release_launcher();
}

void part_close() {
  close(g_part_fd);
  g_part_fd = -1;
}

void make_directory(const char* path) {
  if (mkdir(path, 0755) != 0) fail("mkdir '%s': %s", path, std::strerror(errno));
}

void make_symlink(const char* target, const char* path) {
  if (symlink(target, path) != 0) fail("symlink '%s': %s", path, std::strerror(errno));
}

void write_to_fd(int fd, std::string_view text) {
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("write to fd %d: %s", fd, std::strerror(errno));
  }
}

}  // namespace tend::helper
