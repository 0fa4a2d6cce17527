// SPDX-License-Identifier: MIT
// CLI11 without <iostream>'s static initialiser, which would construct the eight standard
// streams and the classic locale's facets at every start of tend, for streams tend never uses.
#pragma once

#include <istream>
#include <ostream>

// CLI11 includes <iostream> only to name std::cout and std::cerr (as App::exit's default output
// and in its Timer), neither of which tend calls: their declarations stand in for the header.
// Nothing may write to them here, since nothing constructs them; tend writes with stdio and
// spdlog. String streams (CLI11's help text) set up the locale they need on first use.
// NOLINTBEGIN(bugprone-reserved-identifier): libstdc++'s own include guard, set on purpose.
#ifndef _GLIBCXX_IOSTREAM
#define _GLIBCXX_IOSTREAM 1
namespace std {
extern ostream cout;
extern ostream cerr;
}  // namespace std
#endif
// NOLINTEND(bugprone-reserved-identifier)

#include <CLI/CLI.hpp>
