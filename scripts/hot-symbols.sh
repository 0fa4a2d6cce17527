#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates cmake/hot-symbols.txt, the order in which lld lays out tend's functions and data
# (as root; needs valgrind, python3 and lld). The code tend runs up to its first sleep is then
# packed into a few pages instead of being spread over the whole 1.3 MB of text, which roughly
# halves idle RSS. Rerun after changing what tend does at start-up; a stale list only costs RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in valgrind python3 ld.lld unshare cc; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install valgrind python3 lld)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The release configuration, unstripped so that addresses map back to symbols.
cmake -S . -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DTEND_STATIC=ON -DTEND_STRIP=OFF \
  -DTEND_TESTS=OFF >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target tend >/dev/null
tend=$work/build/tend

cc -O2 -o "$work/step-trace" scripts/step-trace.c

# trace NAME STOP_WITH_SIGTERM TEND_ARGS...: tend as PID 1 of a new PID namespace, twice: under
# Valgrind's Lackey (code and data, and the child between fork and exec) and single-stepped on the
# real CPU by step-trace (code only, but this CPU's string functions and the vDSO set-up). With
# STOP_WITH_SIGTERM=1 COMMAND is `sleep 30` and tend gets SIGTERM once it runs (forward, reap,
# exit); otherwise COMMAND ends by itself.
trace() {
  local name=$1 stop=$2
  shift 2
  local tracer
  for tracer in native lackey; do
    if [[ $tracer == native ]]; then
      "$work/step-trace" "$work/$name.$tracer" "$tend" "$@" >/dev/null 2>&1 &
    else
      unshare --pid --fork --mount-proc valgrind --tool=lackey --trace-mem=yes \
        --log-file="$work/$name.$tracer" "$tend" "$@" >/dev/null 2>&1 &
    fi
    local parent=$! init_pid="" i
    if ((stop)); then
      for ((i = 0; i < 1200; i++)); do
        init_pid=$(pgrep -P "$parent" || true)
        [[ -n $init_pid ]] && pgrep -x sleep -P "$init_pid" >/dev/null && break
        sleep 0.1
      done
      sleep 1  # let tend reach sigtimedwait
      kill -TERM "$init_pid"
    fi
    wait "$parent" || true
    traces+=("$work/$name.$tracer")
  done
}
traces=()
trace plain 1 -- sleep 30
trace options 1 -t 5s -v -- sleep 30
trace leftovers 0 -vv -- sh -c 'sleep 0.5 & exit 3'
python3 scripts/hot-symbols.py "$tend" "${traces[@]}" >"$work/hot-symbols.txt"
mv "$work/hot-symbols.txt" cmake/hot-symbols.txt  # Only a complete list replaces the old one.
echo "cmake/hot-symbols.txt: $(grep -cv '^#' cmake/hot-symbols.txt) symbols"
