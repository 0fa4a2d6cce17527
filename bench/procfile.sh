#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tend --procfile: relay throughput and cost, and 50 idle services.
#  1. LINES lines (seq) written straight to a pipe read by cat, against the same through
#     `tend --procfile` (one service) to that pipe: lines per second of each, and tend's own CPU
#     per MiB relayed (tend's and its reaped child's CPU from time(1), minus seq's CPU alone).
#  2. 50 services that sleep: tend's context switches over IDLE_SECONDS (expected 0), and its
#     VmRSS with 1 and with 50 services (the difference over 49 is the cost per service).
# Usage: bench/procfile.sh [TEND]   (LINES=5000000 IDLE_SECONDS=5 by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tend=$(realpath "${1:-$here/../build/tend}")
lines=${LINES:-5000000}
idle=${IDLE_SECONDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
echo "gen: seq $lines" >"$tmp/Procfile"
start=$(now); seq "$lines" | cat >/dev/null; direct=$(echo "$(now) - $start" | bc)
bytes=$(seq "$lines" | wc -c)
seq_cpu=$( { /usr/bin/time -f "%U %S" seq "$lines" >/dev/null; } 2>&1 | awk '{print $1 + $2}')
start=$(now)
tend_cpu=$( { /usr/bin/time -f "%U %S" "$tend" --procfile "$tmp/Procfile" | cat >/dev/null; } 2>&1 \
  | tail -1 | awk '{print $1 + $2}')
relayed=$(echo "$(now) - $start" | bc)
mib=$(echo "$bytes / 1048576" | bc -l)
printf 'relay: %d lines, %.1f MiB\n' "$lines" "$mib"
printf '  direct to the pipe:  %.2f s, %.0f lines/s\n' "$direct" "$(echo "$lines / $direct" | bc -l)"
printf '  through tend:        %.2f s, %.0f lines/s (%.2fx the direct time)\n' "$relayed" \
  "$(echo "$lines / $relayed" | bc -l)" "$(echo "$relayed / $direct" | bc -l)"
printf '  tend CPU: %.3f s, %.1f ms per MiB relayed\n' "$(echo "$tend_cpu - $seq_cpu" | bc -l)" \
  "$(echo "($tend_cpu - $seq_cpu) * 1000 / $mib" | bc -l)"

idle_run() {  # COUNT: starts tend with COUNT sleeping services, prints "switches rss_kib"
  : >"$tmp/Idle"
  for i in $(seq "$1"); do echo "s$i: sleep 1000" >>"$tmp/Idle"; done
  "$tend" --procfile "$tmp/Idle" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    [[ $(pgrep -c -P "$pid" || true) -ge $1 ]] && break
    sleep 0.05
  done
  sleep 0.3
  local before after
  before=$(awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$pid/status")
  sleep "$idle"
  after=$(awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$pid/status")
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$((after - before)) $rss"
}
read -r switches1 rss1 < <(idle_run 1)
read -r switches50 rss50 < <(idle_run 50)
echo "idle, over ${idle}s: 1 service: $switches1 wake-ups, VmRSS $rss1 KiB;" \
  "50 services: $switches50 wake-ups, VmRSS $rss50 KiB ($(( (rss50 - rss1) / 49 )) KiB per service)"
