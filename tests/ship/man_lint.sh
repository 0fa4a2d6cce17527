#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man page must lint clean with mandoc at warning level. mandoc is a test dependency
# (scripts/deps.sh installs it), so its absence is a failure, not a skip.
# Usage: man_lint.sh MAN_PAGE
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
page=$1
command -v mandoc >/dev/null ||
  fail "mandoc is not installed (Debian package 'mandoc'; scripts/deps.sh installs it)"
# mandoc's notes about its own outdated database are not about the page.
warnings=$(mandoc -T lint -W warning "$page" 2>&1 | grep -v 'outdated mandoc.db' || true)
[[ -z $warnings ]] || fail "mandoc -T lint -W warning $page:"$'\n'"$warnings"
echo "OK: $page lints clean"
