#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The quick loop while working: builds the static release binary and the test programs (as
# scripts/build.sh does), then runs the unit and whole-program tests, all CPUs at once. The whole
# suite, with the terminal, supervisor, hostile, Procfile, packaging, real-daemon and Docker tests
# and the sanitizer build, is scripts/test.sh. Arguments go to ctest: `scripts/quick.sh -R Grace`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh release
ctest --test-dir build --output-on-failure --no-tests=error -L 'unit|e2e' -j"$(nproc)" \
  --timeout 180 "$@"
