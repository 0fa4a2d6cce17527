// SPDX-License-Identifier: MIT
// What the --procfile tests add to the supervisor helpers: Procfiles of helper command lines.
#include "procfile_util.h"

namespace tend::e2e {

std::string helper_line(std::initializer_list<std::string> words) {
  std::string line = "'" + kHelper + "'";
  for (const std::string& word : words) line += " '" + word + "'";
  return line;
}

std::string write_procfile(const TempDir& dir, const std::vector<ServiceLine>& services) {
  std::string text = "# written by a test\n\n";
  for (const auto& [name, command] : services) text += name + ": " + command + "\n";
  return dir.file("Procfile", text);
}

std::vector<std::string> procfile_args(std::initializer_list<std::string> options,
                                       const std::string& path) {
  std::vector<std::string> args(options);
  args.push_back("--procfile");
  args.push_back(path);
  return args;
}

std::vector<std::string> service_lines(const TendRun& run, const std::string& prefix,
                                       const std::string& text) {
  return lines_starting(run.lines(), prefix + text);
}

}  // namespace tend::e2e
