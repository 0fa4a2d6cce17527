// SPDX-License-Identifier: MIT
// What the terminal tests add to the shared harness; see tty_harness.h.
#include "tty_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace tend::tty {

std::vector<std::string> session_env() {
  return {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=dumb",
      "HOME=/tmp",
      "HISTFILE=/dev/null",
      "INPUTRC=/dev/null",
      "LC_ALL=C",
      "PS1=" + std::string(kPrompt),
      "PS2=",
      "T=" + kTend,
      "H=" + kHelper,
  };
}

void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp) {
  reset_signal_state();
  execvpe(argv[0], argv.data(), envp.data());
  const char* reason = std::strerror(errno);
  ssize_t ignored = write(STDERR_FILENO, "tty tests: cannot exec: ", 24);
  ignored = write(STDERR_FILENO, reason, std::strlen(reason));
  (void)ignored;
  _exit(127);
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

Outcome run_without_terminal(const std::vector<std::string>& argv, Duration timeout) {
  become_subreaper();
  std::vector<std::string> args = argv;
  std::vector<std::string> vars = session_env();
  std::vector<char*> c_argv = c_strings(args);
  std::vector<char*> c_envp = c_strings(vars);
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw_errno("pipe2");
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0) throw_errno("open /dev/null");

  pid_t pid = fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    // A new session without a controlling terminal, whatever the test runner had.
    setsid();
    dup2(null, STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    exec_child(c_argv, c_envp);
  }
  close(null);
  close(out[1]);
  close(err[1]);

  Outcome outcome;
  auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&outcome.out, &outcome.err};
  int open_pipes = 2;
  while (open_pipes > 0 && Clock::now() < deadline) {
    if (poll(fds, 2, milliseconds_until(deadline)) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& entry : fds) {
    if (entry.fd >= 0) close(entry.fd);
  }
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  kill_everything_started();
  if (done != pid) {
    throw std::runtime_error("timed out waiting for the run to end; stdout:\n" + outcome.out +
                             "\nstderr:\n" + outcome.err);
  }
  outcome.status = status;
  return outcome;
}

}  // namespace tend::tty
