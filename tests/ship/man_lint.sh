#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man page must lint clean with mandoc at warning level. mandoc is a test dependency
# (scripts/deps.sh installs it), so its absence is a failure, not a skip.
# Usage: man_lint.sh MAN_PAGE
set -euo pipefail
page=$1
if ! command -v mandoc >/dev/null; then
  echo "FAIL: mandoc is not installed (Debian package 'mandoc'; scripts/deps.sh installs it)" >&2
  exit 1
fi
# mandoc's notes about its own outdated database are not about the page.
warnings=$(mandoc -T lint -W warning "$page" 2>&1 | grep -v 'outdated mandoc.db' || true)
if [[ -n $warnings ]]; then
  echo "FAIL: mandoc -T lint -W warning $page:" >&2
  echo "$warnings" >&2
  exit 1
fi
echo "OK: $page lints clean"
