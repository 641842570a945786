#!/usr/bin/env bash
# Runs every test objpool has, on a fresh Debian or Ubuntu machine: installs what is missing,
# then configures, builds and tests with g++ under ASan+UBSan (asan), with clang++ under TSan
# (tsan: the multi-threaded tests only, labelled in cmake/ObjpoolThreadedTests.cmake) and with g++
# in Release (release, where the benchmarks are built, not run); then clang-tidy over the public
# headers and the example server (no findings allowed), a g++ coverage build of the library's
# tests (100 % of lines and 95 % of branches of include/objpool/ required), the API reference
# (warnings are errors) and each libFuzzer target (clang++, ASan+UBSan) for 20 seconds.
# The asan preset builds without optimisation: g++ 12 at -O1 with ASan+UBSan took about six
# times as long to compile the typed test suites (concurrent_blocking_test: 183 s against 31 s),
# far more than the tests gain in speed. The plain Debug presets are for quick runs while
# working: scripts/test.sh dev (g++) or clang.
#
# Usage: scripts/test.sh [PRESET...]   (default: every check above; with presets, just those)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh \
  build-essential cmake git pkg-config g++ clang libclang-rt-14-dev catch2 \
  nlohmann-json3-dev libcli11-dev libboost1.81-dev libsystemd-dev libsqlite3-dev redis-server \
  libhiredis-dev libbenchmark-dev libfoonathan-memory-dev doxygen python3 wrk curl clang-tidy gcovr \
  libmimalloc-dev libjemalloc-dev libtbb-dev libconcurrentqueue-dev
# Node.js runs the GraphQL end-to-end tests; some machines carry a non-Debian build that bundles npm.
command -v npm >/dev/null || scripts/install-deps.sh nodejs npm
# Debian's Chromium runs the playground's browser test; with it installed, a skip is a failure.
scripts/install-deps.sh chromium fonts-liberation
export OBJPOOL_REQUIRE_BROWSER=1

presets=("$@")
everything=false
if [ ${#presets[@]} -eq 0 ]; then
  presets=(asan tsan release)
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
echo "=== lint: $(date -u +%H:%M:%S)"
scripts/lint.sh --no-format
echo "=== coverage: $(date -u +%H:%M:%S)"
scripts/coverage.sh --check
echo "=== docs: $(date -u +%H:%M:%S)"
scripts/docs.sh
echo "=== fuzz: $(date -u +%H:%M:%S)"
scripts/fuzz.sh 20
echo "=== all passed ($(date -u +%H:%M:%S)): presets ${presets[*]}; clang-tidy found nothing;" \
  "coverage targets met; the API reference builds without warnings; fuzzing found nothing"
