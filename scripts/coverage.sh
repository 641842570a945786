#!/usr/bin/env bash
# Line and branch coverage of include/objpool/ by the test suites: a g++ --coverage build in
# build/coverage runs the core, concurrent, contract and reliability tests, then gcovr reports per file
# (text to the terminal, HTML in build/coverage/coverage.html, summary in build/coverage/coverage.txt).
#
# OBJPOOL_DETAIL_ALWAYS_INLINE is plain `inline` (each branch counted once, not once per call
# site) and OBJPOOL_DETAIL_ASSUME nothing (an optimiser hint, not a branch of the code): see
# include/objpool/detail/bits.hpp.
# OBJPOOL_COVERAGE makes the tests that end in abort() write their counters first
# (tests/reliability/no_exceptions_abort.cpp), so the lines that report and abort are measured.
# Counters are updated atomically (-fprofile-update=atomic): the concurrent tests run threads.
# Branches: the exception edges the compiler adds to every call that may throw are not decisions
# of the code, and are left out, as gcovr's --exclude-throw-branches would; but after gcovr has
# merged every copy of a line, not while it reads each file: gcov marks an edge "(throw)" only in
# a copy of a function that ran, and an inline function's copy in every translation unit but the
# one the linker kept never runs, so per file its exception edges would pass for ordinary
# branches never taken. --exclude-unreachable-branches drops branches on lines with no code
# (e.g. the closing brace of an inlined function).
#
# Usage: scripts/coverage.sh [--check]   (--check: fail below 100% lines or 95% branches)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh g++ cmake catch2 gcovr
# The measured sources are a snapshot taken now: headers edited while the build and the tests
# run would otherwise mix line numbers of two versions (gcov: "source file is newer than notes
# file", and gcovr fails on the mismatch).
src=build/coverage-source
build="$(pwd)/build/coverage"
rm -rf "$src" && mkdir -p "$src"
# A build directory configured from another source folder (before the snapshot) starts over.
grep -qs "^CMAKE_HOME_DIRECTORY:INTERNAL=$(pwd)/$src\$" "$build/CMakeCache.txt" || rm -rf "$build"
tar -c --exclude=./build --exclude='./build-*' --exclude=./.git --exclude=node_modules . | tar -x -C "$src"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_CXX_FLAGS="--coverage -fprofile-update=atomic -O0 -fno-inline -DOBJPOOL_COVERAGE -DOBJPOOL_DETAIL_ALWAYS_INLINE=inline '-DOBJPOOL_DETAIL_ASSUME(condition)=static_cast<void>(0)'" \
  -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null
cmake --build "$build" -j2 --target objpool_tests objpool_assert_tests objpool_concurrent_tests \
  objpool_contract_tests objpool_reliability_tests objpool_no_exceptions_test objpool_no_exceptions_abort
find "$build" -name '*.gcda' -delete
# CMake's compiler probe is built with the same flags; its notes file is not ours.
find "$build/CMakeFiles" -path '*CompilerId*' -name '*.gcno' -delete
ctest --test-dir "$build" -j2 --output-on-failure \
  -R '^(objpool_tests|objpool_assert_tests|objpool_concurrent_tests|objpool_contract_tests|objpool_reliability_tests|reliability):'

cd "$src"  # gcovr's --filter is relative to the working directory
gcovr --root . --filter 'include/objpool/' --exclude-unreachable-branches \
  --object-directory "$build" --json "$build/coverage-all-branches.json"
# The exception edges out (see above): an edge is one when any copy of it is marked so.
python3 - "$build/coverage-all-branches.json" "$build/coverage.json" <<'PYTHON'
import json, sys
report = json.load(open(sys.argv[1]))
for source in report["files"]:
    for line in source["lines"]:
        line["branches"] = [branch for branch in line["branches"] if not branch["throw"]]
json.dump(report, open(sys.argv[2], "w"))
PYTHON
options=(--root . --add-tracefile "$build/coverage.json")
gcovr "${options[@]}" --txt --sort-uncovered
gcovr "${options[@]}" --html-details "$build/coverage.html" >/dev/null
# --txt to a file of ours: gcovr replaces its output file, which must never be /dev/null.
summary="$(gcovr "${options[@]}" --print-summary --txt "$build/coverage.txt")"
echo "$summary"
if [ "${1:-}" = "--check" ]; then
  lines="$(sed -n 's/^lines: \([0-9.]*\)%.*/\1/p' <<<"$summary")"
  branches="$(sed -n 's/^branches: \([0-9.]*\)%.*/\1/p' <<<"$summary")"
  awk -v l="$lines" -v b="$branches" 'BEGIN { exit !(l >= 100 && b >= 95) }' ||
    { echo "coverage below 100% lines / 95% branches" >&2; exit 1; }
fi
