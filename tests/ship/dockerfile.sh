#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What can be checked of the container side without a Docker engine (tests/docker/run.sh builds
# and runs the images in a real one):
#  - the Dockerfile's build stage runs the very commands of the README and CI (scripts/deps.sh,
#    scripts/build.sh release) and the unit tests through ctest, whose label selects tests;
#  - its last stage is `FROM scratch` holding only /tend (empty_root.sh runs tend in such a root);
#  - .dockerignore keeps what the build needs (sources, scripts, tests, .git for the commit);
#  - examples/docker-entrypoint/Dockerfile uses tend as its ENTRYPOINT;
#  - examples/kubernetes/pod.yaml gives every Pod more terminationGracePeriodSeconds than tend's
#    --stop-delay plus --grace, and uses only options tend has.
# Usage: dockerfile.sh SOURCE_DIR BUILD_DIR TEND
set -euo pipefail
src=$1
build=$2
tend=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
problem() { echo "FAIL: $*" >&2; status=1; }
has() {  # FILE REGEX DESCRIPTION
  grep -Eq -- "$2" "$1" || problem "${1#"$src"/}: $3"
}

dockerfile=$src/Dockerfile
echo "== Dockerfile"
has "$dockerfile" '^FROM debian:12 AS build$' "the build stage is not FROM debian:12 AS build"
has "$dockerfile" '^RUN scripts/deps\.sh$' "the build stage does not RUN scripts/deps.sh"
has "$dockerfile" '^RUN scripts/build\.sh release$' "the build stage does not RUN scripts/build.sh release"
has "$dockerfile" '^RUN ctest .*--test-dir build .*-L unit' "the build stage does not run the unit tests with ctest -L unit"
has "$dockerfile" '^COPY \. \.$' "the build stage does not copy the source tree"
last_from=$(grep -E '^FROM ' "$dockerfile" | tail -1)
[[ $last_from == "FROM scratch" ]] || problem "Dockerfile: the last stage is '$last_from', not FROM scratch"
has "$dockerfile" '^COPY --from=build /src/build/tend /tend$' "the last stage does not copy /tend"

echo "== the same build commands in the README's quick start and in CI"
has "$src/scripts/demo.sh" '^scripts/build\.sh release$' "the quick start does not run scripts/build.sh release"
has "$src/scripts/test.sh" 'scripts/build\.sh' "the test suite does not build with scripts/build.sh"
has "$src/.ci/run" 'scripts/test\.sh' "CI does not run scripts/test.sh"
if [[ -f $src/README.md ]]; then
  has "$src/README.md" 'scripts/demo\.sh' "the README's quick start does not name scripts/demo.sh"
  has "$src/README.md" 'scripts/test\.sh' "the README does not name scripts/test.sh"
fi
unit_tests=$(ctest --test-dir "$build" -N -L unit | sed -n 's/^Total Tests: //p')
echo "ctest -L unit selects ${unit_tests:-0} tests"
((${unit_tests:-0} > 0)) || problem "ctest -L unit selects no tests in $build"

echo "== .dockerignore"
while read -r pattern; do
  case $pattern in
    '' | '#'*) ;;
    .git | .git/ | src* | scripts* | tests | tests/ | tests/unit* | cmake* | CMakeLists.txt | man*)
      problem ".dockerignore leaves '$pattern' out of the build context" ;;
  esac
done <"$src/.dockerignore"

echo "== examples/docker-entrypoint/Dockerfile"
example=$src/examples/docker-entrypoint/Dockerfile
has "$example" '^COPY --from=tend /tend /tend$' "it does not copy /tend from tend's image"
has "$example" '^ENTRYPOINT \["/tend", .*"--"\]$' "its ENTRYPOINT does not run /tend ... --"

echo "== examples/kubernetes/pod.yaml"
help=$("$tend" --help)
seconds() {  # a duration as tend writes them (500ms, 20s, 1m) in whole seconds, rounded up
  case $1 in
    *ms) echo $((((${1%ms}) + 999) / 1000)) ;;
    *s) echo "${1%s}" ;;
    *m) echo $((${1%m} * 60)) ;;
    *) echo "$1" ;;
  esac
}
# One Pod per YAML document: its grace period against each of its tend command lines.
awk 'BEGIN { doc = 1 } /^---/ { doc++ } { print doc "\t" $0 }' \
  "$src/examples/kubernetes/pod.yaml" >"$tmp/pods"
pods=0
for doc in $(cut -f1 "$tmp/pods" | sort -u); do
  text=$(awk -F'\t' -v d="$doc" '$1 == d { print $2 }' "$tmp/pods")
  grep -q '^kind: Pod' <<<"$text" || continue
  pods=$((pods + 1))
  name=$(sed -n 's/^  name: //p' <<<"$text" | head -1)
  period=$(sed -n 's/^ *terminationGracePeriodSeconds: *//p' <<<"$text")
  [[ -n $period ]] || { problem "Pod $name sets no terminationGracePeriodSeconds"; continue; }
  command=$(grep -A1 'command: \["/tend"' <<<"$text" | tr -d '\n')
  [[ -n $command ]] || { problem "Pod $name does not run /tend"; continue; }
  for option in $(grep -o '"--[a-z-]*"' <<<"$command" | tr -d '"' | grep -vx -- '--'); do
    grep -q -- "$option\b" <<<"$help" || problem "Pod $name uses $option, which tend does not have"
  done
  grace=$(grep -o '"--grace", *"[^"]*"' <<<"$command" | sed 's/.*, *"//; s/"//')
  delay=$(grep -o '"--stop-delay", *"[^"]*"' <<<"$command" | sed 's/.*, *"//; s/"//')
  needed=$(($(seconds "${grace:-10s}") + $(seconds "${delay:-0}")))
  echo "Pod $name: terminationGracePeriodSeconds $period, tend needs up to ${needed}s"
  ((period > needed)) || problem "Pod $name: terminationGracePeriodSeconds $period is not above --stop-delay + --grace = ${needed}s"
done
((pods >= 2)) || problem "pod.yaml should hold two Pods (tend as PID 1, and shareProcessNamespace)"
grep -q 'shareProcessNamespace: true' "$src/examples/kubernetes/pod.yaml" ||
  problem "pod.yaml has no Pod with shareProcessNamespace: true"

((status == 0)) && echo "OK: Dockerfile, .dockerignore and the container examples are consistent"
exit "$status"
