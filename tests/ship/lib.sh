# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# What the shipping checks share, sourced by each: strict mode, a scratch directory $tmp that
# is removed on exit, and two ways to report a failure: `fail` ends the check at once, `problem`
# lets it go on and counts in $failures, which the check's last lines turn into its exit status.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
problem() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# expect TEXT PATTERN: fails unless a line of TEXT matches the basic regular expression PATTERN.
expect() { grep -q -- "$2" <<<"$1" || fail "no '$2' in: $1"; }
