#!/usr/bin/env bash
# Runs every test objpool has, on a fresh Debian or Ubuntu machine: installs what is missing,
# then configures, builds and tests with g++ (dev), with g++ under ASan+UBSan (asan), with
# clang++ under TSan (tsan: the clang++ build), and in Release (where the benchmarks are built,
# not run); then builds the API reference (warnings are errors) and runs each libFuzzer target
# (clang++, ASan+UBSan) for 20 seconds. The plain clang++ preset is there too: scripts/test.sh clang.
#
# Usage: scripts/test.sh [PRESET...]   (default: every preset, then docs and fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh \
  build-essential cmake git pkg-config g++ clang libclang-rt-14-dev catch2 \
  nlohmann-json3-dev libcli11-dev libboost1.81-dev \
  libbenchmark-dev libfoonathan-memory-dev doxygen python3 wrk curl
# Node.js runs the GraphQL end-to-end tests; some machines carry a non-Debian build that bundles npm.
command -v npm >/dev/null || scripts/install-deps.sh nodejs npm
# Debian's Chromium runs the playground's browser test; with it installed, a skip is a failure.
scripts/install-deps.sh chromium fonts-liberation
export OBJPOOL_REQUIRE_BROWSER=1

presets=("$@")
everything=false
if [ ${#presets[@]} -eq 0 ]; then
  presets=(dev asan tsan release)
  everything=true
fi

for preset in "${presets[@]}"; do
  echo "=== ${preset}: $(date -u +%H:%M:%S)"
  cmake --workflow --preset "$preset"
done
if ! $everything; then
  echo "=== presets passed: ${presets[*]}"
  exit 0
fi
echo "=== docs: $(date -u +%H:%M:%S)"
scripts/docs.sh
echo "=== fuzz: $(date -u +%H:%M:%S)"
scripts/fuzz.sh 20
echo "=== all passed: presets ${presets[*]}; the API reference builds without warnings; fuzzing found nothing"
