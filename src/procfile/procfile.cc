// SPDX-License-Identifier: MIT
// Procfile: the services of `tend --procfile`, one "name: command line" per line.
#include "procfile/procfile.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

namespace tend {
namespace {

std::string_view trim(std::string_view text) {
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

/// One non-blank, non-comment line as an entry, or the reason it is not one.
std::optional<ProcfileEntry> parse_line(std::string_view line, int number, std::string& error) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    error = "expected 'name: command'";
    return std::nullopt;
  }
  std::string_view name = trim(line.substr(0, colon));
  std::string_view command = trim(line.substr(colon + 1));
  if (!is_service_name(name)) {
    error = fmt::format("invalid service name '{}': use letters, digits, '-' and '_'", name);
    return std::nullopt;
  }
  if (command.empty()) {
    error = fmt::format("no command for service '{}'", name);
    return std::nullopt;
  }
  return ProcfileEntry{std::string(name), std::string(command), number};
}

}  // namespace

bool is_service_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

ParsedProcfile parse_procfile(std::string_view text) {
  ParsedProcfile parsed;
  std::map<std::string, int, std::less<>> first_line;
  int number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    std::string error;
    std::optional<ProcfileEntry> entry = parse_line(line, number, error);
    if (!entry) {
      parsed.error = ProcfileError{number, error};
      return parsed;
    }
    auto [seen, inserted] = first_line.try_emplace(entry->name, number);
    if (!inserted) {
      parsed.error = ProcfileError{
          number,
          fmt::format("duplicate service name '{}' (first on line {})", entry->name, seen->second)};
      return parsed;
    }
    parsed.entries.push_back(std::move(*entry));
  }
  if (parsed.entries.empty()) parsed.error = ProcfileError{0, "no services in it"};
  return parsed;
}

}  // namespace tend
