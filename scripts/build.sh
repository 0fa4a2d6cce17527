#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds tend with CMake: `release` (default) makes the static, stripped build/tend;
# `asan` makes build-asan/tend with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=Release -DTEND_WERROR=ON -DTEND_STATIC=ON -DTEND_TESTS=ON) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTEND_SANITIZE=ON -DTEND_WERROR=ON -DTEND_TESTS=ON) ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
