# SPDX-License-Identifier: MIT
# Checks on examples/ as a whole: systemd accepts every unit file, each unit uses only options
# tend has, and every example has a README. Sourced by run.sh.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

# systemd-analyze verify checks that ExecStart's program exists and is executable, and it looks
# units up under a root. So it runs on a temporary root: the units as they are in etc/, this
# tend as /usr/bin/tend, and the host's own units (sysinit.target and the like) beside them.
# Any message fails the check: verify exits 0 on a misspelt key or a bad value, which it only
# reports and ignores.
make_unit_root() {  # ROOT
  mkdir -p "$1/usr/bin" "$1/usr/lib/systemd" "$1/etc/systemd/system"
  cp -a /usr/lib/systemd/system "$1/usr/lib/systemd/"
  cp "$tend" "$1/usr/bin/tend"
}

# Every --option in the unit's tend command line (before `--`) is one that tend --help lists.
check_unit_options() {  # UNIT
  local word usage
  usage=$("$tend" --help)
  while read -r word; do
    [[ $word == -- ]] && break
    [[ $word == --* ]] || continue
    grep -q -- "${word}[ ,]" <<<"$usage" || fail "$(basename "$1") uses $word, which tend does not have"
  done < <(unit_exec_start "$1" | sed 1d)
}

check_units_verify() {
  local root=$check_dir/root unit name units=()
  mapfile -t units < <(cd "$repo" && find examples -name '*.service' | sort)
  ((${#units[@]} >= 3)) || fail "found ${#units[@]} unit files under examples/, expected 3 or more"
  make_unit_root "$root"
  for unit in "${units[@]}"; do
    name=$(basename "$unit")
    cp "$repo/$unit" "$root/etc/systemd/system/$name"
    systemd-analyze verify --man=no --root="$root" "$name" >"$check_dir/$name.out" 2>&1 ||
      fail "systemd-analyze verify rejects $unit: $(head -3 "$check_dir/$name.out")"
    [[ ! -s $check_dir/$name.out ]] ||
      fail "systemd-analyze verify warns about $unit: $(head -3 "$check_dir/$name.out")"
    [[ $(unit_exec_start "$repo/$unit" | head -1) == /usr/bin/tend ]] ||
      fail "$unit does not run /usr/bin/tend"
    check_unit_options "$repo/$unit"
    echo "verified $unit"
  done
}

check_examples_have_readme() {
  local example missing=()
  for example in "$repo"/examples/*/; do
    [[ -s $example/README.md ]] || missing+=("$(basename "$example")")
  done
  ((${#missing[@]} == 0)) || fail "no README.md in: ${missing[*]}"
}
