// SPDX-License-Identifier: MIT
// Splitting a Procfile command line into words the way sh would, without a shell.
#include "procfile/command_line.h"

#include <cctype>
#include <cstring>

#include <fmt/format.h>

namespace tend {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string needs_shell(std::string_view what) {
  return fmt::format("{} needs a shell: write the command as sh -c '...'", what);
}

/// A left-to-right scan of one line; each step consumes what it understands.
class Splitter {
 public:
  Splitter(std::string_view line, const VariableLookup& lookup) : line_(line), lookup_(lookup) {}

  SplitCommand run() {
    while (error_.empty() && at_ < line_.size()) step();
    if (error_.empty()) end_word();
    if (!error_.empty()) return {{}, error_};
    return {std::move(words_), {}};
  }

 private:
  void step() {
    char c = line_[at_];
    if (is_blank(c)) {
      ++at_;
      return end_word();
    }
    if (c == '#' && !in_word_) {
      at_ = line_.size();  // A comment, as in sh.
      return;
    }
    if (std::strchr("|&;<>()`", c) != nullptr) {
      error_ = needs_shell(fmt::format("'{}'", c));
      return;
    }
    in_word_ = true;
    if (c == '\'') return single_quoted();
    if (c == '"') return double_quoted();
    if (c == '\\') return escaped();
    if (c == '$') return expand(false);
    word_ += c;
    literal_ = true;
    ++at_;
  }

  void single_quoted() {
    size_t close = line_.find('\'', at_ + 1);
    if (close == std::string_view::npos) {
      error_ = "unterminated single quote";
      return;
    }
    word_.append(line_.substr(at_ + 1, close - at_ - 1));
    literal_ = true;
    at_ = close + 1;
  }

  void double_quoted() {
    literal_ = true;  // "" is an empty word, not nothing.
    ++at_;
    while (error_.empty()) {
      if (at_ >= line_.size()) {
        error_ = "unterminated double quote";
        return;
      }
      char c = line_[at_];
      if (c == '"') {
        ++at_;
        return;
      }
      if (c == '`') {
        error_ = needs_shell("'`'");
        return;
      }
      if (c == '$') {
        expand(true);
        continue;
      }
      if (c == '\\' && at_ + 1 < line_.size() && std::strchr("$`\"\\", line_[at_ + 1]) != nullptr) {
        ++at_;
        c = line_[at_];
      }
      word_ += c;
      ++at_;
    }
  }

  void escaped() {
    if (at_ + 1 >= line_.size()) {
      error_ = "a backslash at the end of the line";
      return;
    }
    word_ += line_[at_ + 1];
    literal_ = true;
    at_ += 2;
  }

  /// At a '$': $NAME, ${NAME}, or a literal '$'.
  void expand(bool quoted) {
    size_t start = at_ + 1;
    if (start < line_.size() && line_[start] == '(') {
      error_ = needs_shell("'$('");
      return;
    }
    std::string_view name;
    if (start < line_.size() && line_[start] == '{') {
      size_t close = line_.find('}', start);
      if (close == std::string_view::npos) {
        error_ = "unterminated '${'";
        return;
      }
      name = line_.substr(start + 1, close - start - 1);
      if (!is_variable_name(name)) {
        error_ = fmt::format("'${{{}}}': only ${{NAME}} is supported", name);
        return;
      }
      at_ = close + 1;
    } else {
      size_t end = start;
      while (end < line_.size() &&
             (end == start ? is_name_start(line_[end]) : is_name_char(line_[end]))) {
        ++end;
      }
      if (end == start) {  // Not a name: the '$' stands for itself.
        word_ += '$';
        literal_ = true;
        ++at_;
        return;
      }
      name = line_.substr(start, end - start);
      at_ = end;
    }
    if (std::optional<std::string> value = lookup_(name)) word_ += *value;
    if (quoted) literal_ = true;
  }

  static bool is_variable_name(std::string_view name) {
    if (name.empty() || !is_name_start(name.front())) return false;
    for (char c : name) {
      if (!is_name_char(c)) return false;
    }
    return true;
  }

  void end_word() {
    if (in_word_ && (literal_ || !word_.empty())) words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = literal_ = false;
  }

  std::string_view line_;
  const VariableLookup& lookup_;
  size_t at_ = 0;
  std::string word_;
  bool in_word_ = false;
  bool literal_ = false;  ///< The word has a character that is not from an unquoted expansion.
  std::vector<std::string> words_;
  std::string error_;
};

}  // namespace

SplitCommand split_command_line(std::string_view line, const VariableLookup& lookup) {
  return Splitter(line, lookup).run();
}

VariableLookup lookup_in(const std::vector<std::string>& environment) {
  return [environment](std::string_view name) -> std::optional<std::string> {
    for (const std::string& assignment : environment) {
      if (assignment.size() > name.size() && assignment[name.size()] == '=' &&
          std::string_view(assignment).substr(0, name.size()) == name) {
        return assignment.substr(name.size() + 1);
      }
    }
    return std::nullopt;
  };
}

}  // namespace tend
