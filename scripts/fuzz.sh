#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++ (ASan + UBSan) in build/fuzz and runs each one for
# SECONDS seconds (default 30) from a copy of its committed seed corpus (fuzz/corpus/<target>/),
# so the committed corpus is never modified. Fails on any crash, leak, timeout or mismatch with
# the reference model; the input that failed is left in build/fuzz/artifacts/.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true

command -v clang++ >/dev/null || scripts/install-deps.sh clang libclang-rt-14-dev
build=build/fuzz
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DOBJPOOL_BUILD_FUZZERS=ON -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < "$build/fuzz/fuzzers.txt"
fi
cmake --build "$build" -j2 --target "${targets[@]/#/objpool_fuzz_}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts"
total_runs=0
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$target" ]; then
    cp -r "fuzz/corpus/$target/." "$corpus/"
  fi
  echo "=== $target: ${seconds}s from $(find "$corpus" -type f | wc -l) seeds"
  log="$work/$target.log"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb bounds memory.
  if ! "$build/fuzz/objpool_fuzz_$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
      "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "=== $target FAILED; the input is in $build/artifacts/" >&2
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)"
  echo "=== $target: ${runs:-?} inputs run, ${coverage:-cov: ?} edges, no failure"
  total_runs=$((total_runs + ${runs:-0}))
done
echo "=== fuzzing passed: ${targets[*]} (${total_runs} inputs)"
