# SPDX-License-Identifier: MIT
# The repository's own Dockerfile and examples/docker-entrypoint, built and run for real in the
# private engine, sourced by run.sh. `FROM debian:12` cannot be pulled: the base image is made
# with debootstrap from the Debian mirror apt uses, and kept in /var/cache/tend-tests for a week.
# shellcheck shell=bash
# shellcheck disable=SC2154  # run.sh sets $tend and the rest before it sources this file.

base_cache=/var/cache/tend-tests

# The site apt fetches bookworm from, and the one it fetches bookworm-security from (if any).
apt_site() {  # SUITE
  apt-get indextargets --format '$(SITE) $(RELEASE)' |
    awk -v suite="$1" '$2 == suite { print $1; exit }'
}

# What the official image has: bookworm, its updates and its security suite, from the same sites
# as the host's apt.
write_image_sources() {  # ROOTFS MIRROR
  local security
  security=$(apt_site bookworm-security)
  rm -f "$1/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n' "$2"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    [[ -z $security ]] ||
      printf '\nTypes: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
        "$security" bookworm-security /usr/share/keyrings/debian-archive-keyring.gpg
  } >"$1/etc/apt/sources.list.d/debian.sources"
}

debootstrap_tarball() {  # TARBALL
  local mirror rootfs=$T/rootfs
  mirror=$(apt_site bookworm)
  [[ -n $mirror ]] || fail "apt has no source for bookworm"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$T/debootstrap.log" 2>&1 ||
    { tail -20 "$T/debootstrap.log"; fail "debootstrap failed"; }
  write_image_sources "$rootfs" "$mirror"
  tar --numeric-owner -C "$rootfs" -cf "$1.part.$$" .
  mv "$1.part.$$" "$1"
  rm -rf --one-file-system "$rootfs"
}

# Keys of the caches: the week, and for the build stage's dependency layer also the lines of
# the Dockerfile up to `RUN scripts/deps.sh` and the script itself.
week() { date -u +%G-W%V; }
deps_key() {
  { sed '/^RUN scripts\/deps.sh$/q' "$repo/Dockerfile"; cat "$repo/scripts/deps.sh"; } |
    sha256sum | cut -c1-12
}
deps_cache() { echo "$base_cache/debian-12-deps-$(week)-$(deps_key).tar"; }

# Removes the finished cache files named PATTERN (older keys), and parts that a run which
# died left behind; a concurrent run's part, younger, stays.
drop_cached() {  # PATTERN
  find "$base_cache" -maxdepth 1 \( -name "$1.tar" -o -name "$1.part.*" -mmin +120 \) -delete
}

# debian:12 (and debian:12-slim, for the example): with the build stage's dependency layer
# from the cache `docker save` left when deps.sh has not changed (loaded, debian:12 keeps the
# image id that layer was built on); else imported from the week's minbase tarball, made with
# debootstrap when there is none.
make_debian_base_image() {
  local tarball begin how=cached
  tarball=$base_cache/debian-12-minbase-$(week).tar
  begin=$(now_ms)
  mkdir -p "$base_cache"
  if [[ -s $(deps_cache) ]] && dk load -q -i "$(deps_cache)"; then
    how="the cached dependency layer $(deps_cache)"
    touch "$T/deps-cached"
  else
    rm -f "$(deps_cache)"
    if [[ ! -s $tarball ]]; then
      how=debootstrap
      drop_cached 'debian-12-minbase-*'
      debootstrap_tarball "$tarball"
    fi
    dk import --change 'CMD ["bash"]' "$tarball" debian:12 >/dev/null
    how="$how $tarball"
  fi
  dk tag debian:12 debian:12-slim
  note "debian:12 from $how: $((($(now_ms) - begin) / 1000))s"
}

# The build stage's `RUN scripts/deps.sh` installs Debian's build packages, so the build
# containers get the host's network: it reaches Debian's archive and nothing else.
check_dockerfile_build() {
  local begin cache_from=()
  [[ -e $T/deps-cached ]] && cache_from=(--cache-from tend-tests/deps)
  begin=$(now_ms)
  DK_TIMEOUT=1500 dk build --network host "${cache_from[@]}" -t tend "$repo" 2>&1 |
    stamp_lines >"$T/build.log" ||
    { tail -30 "$T/build.log"; fail "docker build -t tend . failed"; }
  note "docker build -t tend .: $((($(now_ms) - begin) / 1000))s; its slow steps:" \
    "$(slow_build_steps <"$T/build.log")"
  [[ -e $T/deps-cached ]] || save_deps_layer
}

# Keeps the image `RUN scripts/deps.sh` made, with debian:12 under it, for the next runs.
save_deps_layer() {
  local id
  id=$(deps_layer_id <"$T/build.log")
  [[ -n $id ]] || fail "no image id for RUN scripts/deps.sh in the build output"
  dk tag "$id" tend-tests/deps
  drop_cached 'debian-12-deps-*'
  dk save -o "$(deps_cache).part.$$" debian:12 tend-tests/deps
  mv "$(deps_cache).part.$$" "$(deps_cache)"
}

stamp_lines() { while IFS= read -r line; do echo "${EPOCHREALTIME%.*} $line"; done; }

# From stamped `docker build` output: the steps that took 5 s or more, with their seconds.
slow_build_steps() {
  awk 'function flush() {
         if (name == "" || last - start < 5) return
         out = out sep name " " last - start "s"
         sep = ", "
       }
       $2 == "Step" { last = $1; flush(); start = $1; name = substr($0, index($0, " : ") + 3, 30) }
       { last = $1 }
       END { flush(); print out }'
}

# From stamped `docker build` output: the image id the step `RUN scripts/deps.sh` ended with.
deps_layer_id() {
  awk '$2 == "Step" { in_deps = index($0, " : RUN scripts/deps.sh") > 0 }
       in_deps && $2 == "--->" && $3 ~ /^[0-9a-f]+$/ { id = $3 }
       END { print id }'
}

# The commit the build stage sees: none when this checkout is a git worktree, whose .git file
# points outside the build context.
expected_image_commit() {
  if [[ -d $repo/.git ]]; then git -C "$repo" rev-parse --short HEAD; else echo unknown; fi
}

check_dockerfile_version() {
  local out version expected
  out=$(drun --rm tend)
  echo "$out"
  version=$("$tend" --version | sed 's/ - git\..*//')
  expected="$version - git.$(expected_image_commit)"
  [[ $out == "$expected" ]] || fail "docker run --rm tend printed '$out', expected '$expected'"
}

# The image is one layer holding /tend alone; the container's file system is that plus what
# Docker itself puts into every container.
check_dockerfile_only_tend() {
  local layers files
  dk save tend | tar -xO manifest.json >"$T/manifest.json"
  layers=$(grep -o '"[^"]*/layer.tar"' "$T/manifest.json" | tr -d '"')
  (($(wc -w <<<"$layers") == 1)) || fail "the image has layers: $layers"
  files=$(dk save tend | tar -xO "$layers" | tar -t)
  [[ $files == tend ]] || fail "the image's layer holds: $(tr '\n' ' ' <<<"$files")"
  dk create --network none --name only tend >/dev/null
  files=$(dk export only | tar -t |
    grep -Ev '^(\.dockerenv|dev/.*|proc/|sys/|etc/|etc/(hostname|hosts|resolv\.conf|mtab))$')
  [[ $files == tend ]] || fail "docker export lists: $(tr '\n' ' ' <<<"$files")"
}

check_example_build() {
  dk build --network none -t tend-example "$repo/examples/docker-entrypoint" \
    >"$T/example.log" 2>&1 ||
    { tail -30 "$T/example.log"; fail "docker build of examples/docker-entrypoint failed"; }
}

# The example's app becomes ready (its HEALTHCHECK turns healthy) and stops at once on
# `docker stop`, with status 0, well before tend's --grace 8s.
check_example_ready_and_stop() {
  drun -d --name app tend-example
  wait_until 60 "healthy example app" health_is app healthy
  log_has app "app: ready" || fail "the app did not report ready"
  time_docker_stop app 0
  ((took < 5000)) || fail "docker stop took ${took}ms"
  log_has app "app: SIGTERM, shutting down" || fail "the app did not get SIGTERM"
}
