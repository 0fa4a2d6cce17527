#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite: installs what is missing, checks formatting and shell scripts, then builds
# and runs every test twice, against the static release binary and against an ASan+UBSan build;
# after the release tests, tend with real daemons and terminal programs (tests/real) and in a real
# Docker engine (tests/docker); and fuzzes each parser for a few seconds. The quick loop while
# working is scripts/quick.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t real_packages < <(grep -v '^#' tests/real/packages)
scripts/deps.sh --fuzz "${real_packages[@]}"

echo "== formatting (.clang-format)"
git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'fuzz/*.cc' 'fuzz/*.h' |
  xargs clang-format --dry-run -Werror
scripts/tidy.sh

echo "== shell scripts (shellcheck, settings in .shellcheckrc)"
# Every tracked *.sh, and every file without an extension whose first line runs sh or bash.
git ls-files -z | while IFS= read -r -d '' file; do
  if [[ $file == *.sh ]] || { [[ ${file##*/} != *.* && -f $file ]] &&
      head -n1 "$file" | grep -qE '^#!.*\b(ba)?sh\b'; }; then
    echo "$file"
  fi
done | xargs -d '\n' shellcheck -x

for kind in release asan; do
  echo "== $kind build"
  scripts/build.sh "$kind"
  dir=build; [[ $kind == asan ]] && dir=build-asan
  echo "== $kind tests"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2 --timeout 180
  if [[ $kind == release ]]; then
    echo "== real daemons and terminals"
    tests/real/run.sh build/tend
    # A private dockerd with tend as its init; fails, never skips, when it cannot start.
    echo "== docker (real engine)"
    tests/docker/run.sh build/tend
  fi
done

echo "== fuzz"
scripts/fuzz.sh 10
