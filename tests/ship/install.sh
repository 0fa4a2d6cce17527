#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` puts tend in bin/ and its man page in share/man/man1/ of the prefix.
# Usage: install.sh BUILD_DIR MAN_PAGE CMAKE
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
build=$1
page=$2
cmake=$3

"$cmake" --install "$build" --prefix "$tmp/prefix" || fail "cmake --install failed"
(cd "$tmp/prefix" && find . -type f | sort)
[[ -x $tmp/prefix/bin/tend ]] || fail "no executable bin/tend"
"$tmp/prefix/bin/tend" --version || fail "the installed tend does not run"
man_dir=$tmp/prefix/share/man/man1
if [[ -f $man_dir/tend.1.gz ]]; then
  gzip -dc "$man_dir/tend.1.gz" | cmp -s - "$page" || fail "share/man/man1/tend.1.gz is not $page"
elif [[ -f $man_dir/tend.1 ]]; then
  cmp -s "$man_dir/tend.1" "$page" || fail "share/man/man1/tend.1 is not $page"
else
  fail "no share/man/man1/tend.1 or tend.1.gz"
fi
echo "OK: cmake --install installs bin/tend and its man page"
