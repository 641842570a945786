#!/usr/bin/env bash
# clang-tidy over every public header, with the checks of .clang-tidy (warnings are errors), and
# clang-format over the headers changed since LINT_BASE (default HEAD).
#
# Translation units: the umbrella header as C++17 and as C++20 (for the concept branches), from
# the generated self-containment sources, which see every declaration of every public header, and
# two tests that instantiate the templates with every policy (no_exceptions_test: IdPool,
# ObjectPool, HandlePool; concurrent_object_pool_test: the concurrent pools), so the checks also
# see the code of each instantiation. A unit per header would parse the same code again (the
# umbrella includes every header; that each compiles on its own is a test of the suite), which
# took minutes. Only findings in include/objpool/ are reported; the tests are not linted here.
#
# Usage: [LINT_BASE=<git ref>] scripts/lint.sh [--no-format]   (--no-format: no clang-format)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

command -v clang-tidy >/dev/null && command -v clang-format >/dev/null && command -v clang++ >/dev/null ||
  scripts/install-deps.sh clang clang-tidy clang-format
scripts/install-deps.sh cmake catch2

build=build/lint
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DOBJPOOL_BUILD_TESTS=ON -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null

# The self-containment sources are written at configure time: no build is needed.
units=("$build"/tests/self_contained/cxx17/objpool_objpool_hpp.cpp
       "$build"/tests/self_contained/cxx20/objpool_objpool_hpp.cpp
       tests/reliability/no_exceptions_test.cpp
       tests/concurrent/concurrent_blocking_test.cpp)
log="$build/clang-tidy.log"
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --config-file="$root/.clang-tidy" --quiet \
    >"$log" 2>&1 || true  # the exit status also counts findings outside include/: judged below

# One line per finding in include/objpool/ (a header is seen by many units), paths normalized.
findings="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log" |
  sed -E -e ':a' -e 's#/[^/ .][^/ ]*/\.\./#/#' -e 'ta' -e "s#^$root/##" | grep -E '^include/objpool/' | sort -u || true)"
# A unit that does not compile is a failure whatever the file.
compile_errors="$(grep -E '\[clang-diagnostic-error\]|error: unable to|Error while processing' "$log" || true)"

status=0
if [ -n "$findings" ]; then
  echo "$findings"
  echo "lint: $(wc -l <<<"$findings") clang-tidy finding(s) in include/objpool/ (details: $log)" >&2
  status=1
fi
if [ -n "$compile_errors" ]; then
  echo "$compile_errors" >&2
  echo "lint: a translation unit did not compile (details: $log)" >&2
  status=1
fi

# clang-format on the headers changed since LINT_BASE (default HEAD: the uncommitted changes;
# CI passes the branch point): code is formatted as it is touched.
if [ "${1:-}" != "--no-format" ]; then
  mapfile -t changed < <(git diff --name-only --diff-filter=d "${LINT_BASE:-HEAD}" -- 'include/objpool/*.hpp')
  if [ ${#changed[@]} -gt 0 ] &&
     ! clang-format --dry-run --Werror "${changed[@]}" 2>"$build/clang-format.log"; then
    grep -E 'warning|error' "$build/clang-format.log" | head -40
    echo "lint: clang-format would change ${changed[*]} (details: $build/clang-format.log)" >&2
    status=1
  fi
fi

[ "$status" -eq 0 ] && echo "lint: clang-tidy and clang-format found nothing in include/objpool/ (${#units[@]} units)"
exit "$status"
