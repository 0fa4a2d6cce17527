#!/bin/sh
# SPDX-License-Identifier: MIT
# usage: check-link-warnings.sh BINARY MAP: fails when BINARY references a symbol that glibc marks
# with a link-time warning (.gnu.warning.SYMBOL: getpwnam, getgrnam, dlopen, ... in a static
# binary), as GNU ld's --fatal-warnings would. MAP is the linker's map with --cref, which lists
# under each symbol the files that reference it.
set -eu
binary=$1 map=$2
status=0
for symbol in $(readelf -SW "$binary" | sed -n 's/.*\.gnu\.warning\.\([^ ]*\) .*/\1/p'); do
  referrers=$(awk -v s="$symbol" '
    /^Cross Reference Table/ { cref = 1; next }
    cref && $1 == s && /^[^ \t]/ { found = 1; next }
    found && /^[ \t]/ { print $1; next }
    found { exit }' "$map")
  if [ -n "$referrers" ]; then
    echo "error: $binary uses $symbol, which glibc warns about in a static binary" \
         "(needs the shared NSS/libdl at run time); referenced by: $referrers" >&2
    status=1
    rm -f "$binary"  # so that the next build links again
  fi
done
exit $status
