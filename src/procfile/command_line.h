// SPDX-License-Identifier: MIT
// Splitting a Procfile command line into words the way sh would, without a shell: quotes,
// backslashes and $NAME / ${NAME} from tend's environment, and nothing that needs a shell.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend {

/// The value of an environment variable, nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Words, or why the line cannot be split (then `words` is empty).
struct SplitCommand {
  std::vector<std::string> words;
  std::string error;  ///< Empty when the line was split.
};

/// Splits `line` into words:
///  - blanks (space, tab) separate words; a '#' that starts a word starts a comment;
///  - '...' is taken literally; in "...", a backslash escapes only $ ` " \ and $ expands;
///  - an unquoted backslash takes the next character literally;
///  - $NAME and ${NAME} expand to the variable's value (unset: empty); the value is never split
///    into words or globbed, and a word left empty only by unquoted expansions is dropped, as in
///    sh; a '$' not followed by a name is literal;
///  - what only a shell can do is an error, with the advice to write `sh -c '...'`: unquoted
///    | & ; < > ( ), and ` or $( anywhere outside single quotes.
/// No globbing, no ~ expansion, no ${NAME:-default}.
SplitCommand split_command_line(std::string_view line, const VariableLookup& lookup);

/// A lookup over a copy of "NAME=value" strings (tend's environment as it was inherited).
VariableLookup lookup_in(const std::vector<std::string>& environment);

}  // namespace tend
