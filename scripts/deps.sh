#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages tend's build and tests need, if any is missing (run as root);
# `scripts/deps.sh --fuzz` adds those of scripts/fuzz.sh and scripts/tidy.sh.
set -euo pipefail
packages=(build-essential cmake git libcli11-dev libspdlog-dev libfmt-dev libgtest-dev
          clang-format shellcheck util-linux procps mandoc lintian systemd)
# clang with libFuzzer's runtime and clang-tidy, for scripts/fuzz.sh and scripts/tidy.sh only:
# not by default, so that the Dockerfile's build stage does without them.
if [[ ${1:-} == --fuzz ]]; then
  shift
  packages+=(clang libclang-rt-14-dev clang-tidy)
fi
packages+=("$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
