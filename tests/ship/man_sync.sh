#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man page and `tend --help` must agree: every option --help lists is documented in the man
# page's OPTIONS with the same short form and with its TEND_* variable, every option the man page
# documents is in --help, and every TEND_* variable the man page names exists.
# Usage: man_sync.sh TEND MAN_PAGE
set -euo pipefail
tend=$1
page=$2
status=0
problem() { echo "FAIL: $*" >&2; status=1; }

# --help lines such as "  -t,--grace DURATION (Env:TEND_GRACE)" -> "grace t TEND_GRACE"
# (short letter and variable "-" when there is none).
help_options() {
  "$tend" --help | awk '
    /^  +-/ {
      names = $1; long = ""; short = "-"; env = "-"
      n = split(names, parts, ",")
      for (i = 1; i <= n; i++) {
        if (parts[i] ~ /^--/) long = substr(parts[i], 3)
        else if (parts[i] ~ /^-[A-Za-z]$/) short = substr(parts[i], 2)
      }
      if (match($0, /Env:TEND_[A-Z0-9_]+/)) env = substr($0, RSTART + 4, RLENGTH - 4)
      if (long != "") print long, short, env
    }'
}

# The man page's OPTIONS items, ".It Fl t , Fl -grace Ar duration" followed by text naming
# ".Ev TEND_GRACE", as "grace t TEND_GRACE" (the same form as above).
man_options() {
  awk '
    /^\.Sh / { in_options = ($2 == "OPTIONS") }
    !in_options { next }
    /^\.It Fl / {
      flush()
      long = ""; short = "-"; env = "-"
      for (i = 2; i <= NF; i++) {
        if ($(i - 1) != "Fl") continue
        if ($i ~ /^-[a-z0-9-]+$/) long = substr($i, 2)
        else if ($i ~ /^[A-Za-z]$/) short = $i
      }
      next
    }
    /^\.It / { flush(); long = ""; next }
    long != "" && /^\.Ev TEND_[A-Z0-9_]+/ { env = $2 }
    END { flush() }
    function flush() { if (long != "") print long, short, env }
  ' "$page"
}

help=$(help_options)
man=$(man_options)
[[ -n $help ]] || problem "found no options in 'tend --help'"
[[ -n $man ]] || problem "found no options in the OPTIONS section of $page"

while read -r long short env; do
  entry=$(awk -v l="$long" '$1 == l' <<<"$man")
  if [[ -z $entry ]]; then
    problem "--$long is in --help but not in the man page's OPTIONS"
    continue
  fi
  read -r _ man_short man_env <<<"$entry"
  [[ $man_short == "$short" ]] ||
    problem "--$long: the short option is '-$short' in --help but '-$man_short' in the man page"
  if [[ $env != - ]]; then
    [[ $man_env == "$env" ]] || problem "--$long: the man page's entry does not name $env"
    grep -q "$env" "$page" || problem "$env does not appear in the man page"
  fi
done <<<"$help"

while read -r long _ _; do
  awk -v l="$long" '$1 == l { found = 1 } END { exit !found }' <<<"$help" ||
    problem "--$long is in the man page but not in --help"
done <<<"$man"

help_envs=$(awk '$3 != "-" { print $3 }' <<<"$help" | sort -u)
for env in $(grep -ow 'TEND_[A-Z][A-Z0-9_]*' "$page" | sort -u); do
  grep -qx "$env" <<<"$help_envs" || problem "the man page names $env, which --help does not list"
done

if ((status == 0)); then
  echo "OK: $(wc -l <<<"$help") options agree between 'tend --help' and $page"
fi
exit "$status"
