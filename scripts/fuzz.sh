#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets in fuzz/ (clang, ASan+UBSan, in build-fuzz) and runs each for
# SECONDS (default 10): `scripts/fuzz.sh` in the test suite, `scripts/fuzz.sh 600` for a longer
# run. Names after SECONDS run only those targets (`scripts/fuzz.sh 60 duration options`).
# Each target starts from its committed corpus, fuzz/corpus/NAME, and adds what it finds to
# build-fuzz/corpus/NAME; TEND_FUZZ_MERGE=1 merges the inputs that reach new code back into
# fuzz/corpus/NAME afterwards, to be reviewed and committed. A crash, a failed property or a
# sanitizer report stops the run and makes the script exit non-zero; the input that did it is
# in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
dir=build-fuzz
scripts/deps.sh --fuzz

cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTEND_FUZZ=ON -DTEND_TESTS=OFF -DTEND_STATIC=OFF \
  -DTEND_WERROR=ON >/dev/null
cmake --build "$dir" -j"$(nproc)" --target fuzz_targets

targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in fuzz/*_fuzz.cc; do
    name=${source#fuzz/}
    targets+=("${name%_fuzz.cc}")
  done
fi

failed=()
mkdir -p "$dir/crashes"
for name in "${targets[@]}"; do
  echo "== fuzz $name (${seconds}s)"
  mkdir -p "$dir/corpus/$name"
  flags=(-max_total_time="$seconds" -timeout=5 -print_final_stats=1
         -artifact_prefix="$dir/crashes/$name-")
  [[ -f fuzz/$name.dict ]] && flags+=(-dict="fuzz/$name.dict")
  # The first directory receives the new inputs: the committed corpus is only read.
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$dir/fuzz/${name}_fuzz" "${flags[@]}" "$dir/corpus/$name" "fuzz/corpus/$name" \
      >"$dir/fuzz-$name.log" 2>&1; then
    tail -n 40 "$dir/fuzz-$name.log"
    failed+=("$name")
    continue
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$dir/fuzz-$name.log" | tr '\n' ' '
  echo
  if [[ ${TEND_FUZZ_MERGE:-0} == 1 ]]; then
    "$dir/fuzz/${name}_fuzz" -merge=1 "fuzz/corpus/$name" "$dir/corpus/$name" \
      >"$dir/merge-$name.log" 2>&1
    echo "merged into fuzz/corpus/$name: $(find "fuzz/corpus/$name" -type f | wc -l) inputs"
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]} (inputs in $dir/crashes/; rerun one with" \
       "$dir/fuzz/NAME_fuzz $dir/crashes/FILE)" >&2
  exit 1
fi
