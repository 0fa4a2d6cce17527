#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# clang-tidy over every src/*.cc with the repository's .clang-tidy, where any warning is an error
# (WarningsAsErrors). Configures a build directory of its own for compile_commands.json and
# builds nothing in it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --fuzz
dir=build-tidy
echo "== clang-tidy (.clang-tidy)"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DTEND_TESTS=OFF >/dev/null
# One file per clang-tidy, as many at once as there are cores; xargs fails if any of them does.
# stderr loses only clang's count of the warnings it suppressed (those outside src/).
git ls-files 'src/*.cc' |
  xargs -P "$(nproc)" -n 1 clang-tidy -p "$dir" --quiet 2> >(grep -v 'warnings generated\.$' >&2)
echo "clang-tidy: no warnings"
