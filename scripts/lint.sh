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
# The example server (examples/graphql_server) gets a clang-format check of every C++ file, and
# with --example the project's clang-tidy checks over its sources (src/, http/, engine/src/;
# examples/graphql_server/.clang-tidy adds its exclusions). --example is not yet part of CI: the
# engine still has findings to fix.
#
# Usage: [LINT_BASE=<git ref>] scripts/lint.sh [--no-format] [--example]
#   (--no-format: no clang-format over the changed library headers)
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
format_headers=true
lint_example=false
for argument in "$@"; do
  case "$argument" in
    --no-format) format_headers=false ;;
    --example) lint_example=true ;;
    *) echo "lint: unknown argument $argument" >&2; exit 2 ;;
  esac
done
if $format_headers; then
  mapfile -t changed < <(git diff --name-only --diff-filter=d "${LINT_BASE:-HEAD}" -- 'include/objpool/*.hpp')
  if [ ${#changed[@]} -gt 0 ] &&
     ! clang-format --dry-run --Werror "${changed[@]}" 2>"$build/clang-format.log"; then
    grep -E 'warning|error' "$build/clang-format.log" | head -40
    echo "lint: clang-format would change ${changed[*]} (details: $build/clang-format.log)" >&2
    status=1
  fi
fi

# The example server: its own configure (examples on, no tests, no playground download), then
# clang-tidy over each of its translation units, reporting findings in examples/graphql_server/.
example=examples/graphql_server
example_build=build/lint-example
example_units=()
if $lint_example; then
  cmake -S . -B "$example_build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_BUILD_EXAMPLES=ON \
    -DOBJPOOL_INSTALL=OFF -DOBJPOOL_GRAPHQL_PLAYGROUND=OFF >/dev/null
  mapfile -t example_units < <(ls "$example"/src/*.cpp "$example"/http/*.cpp "$example"/engine/src/*.cpp)
  example_log="$example_build/clang-tidy.log"
  printf '%s\n' "${example_units[@]}" |
    xargs -P "$(nproc)" -n 1 clang-tidy -p "$example_build" --quiet \
      --header-filter="$root/$example/.*" >"$example_log" 2>&1 || true
  example_findings="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$example_log" |
    sed -e "s#^$root/##" | grep -E "^$example/" | sort -u || true)"
  example_errors="$(grep -E '\[clang-diagnostic-error\]|error: unable to|Error while processing' "$example_log" || true)"
  if [ -n "$example_findings" ] || [ -n "$example_errors" ]; then
    printf '%s\n' "$example_findings" "$example_errors" | grep -v '^$'
    echo "lint: clang-tidy findings in $example/ (details: $example_log)" >&2
    status=1
fi
fi
mkdir -p "$example_build"
mapfile -t example_files < <(git ls-files "$example/*.cpp" "$example/*.hpp")
if ! clang-format --dry-run --Werror "${example_files[@]}" 2>"$example_build/clang-format.log"; then
  grep -E 'warning|error' "$example_build/clang-format.log" | head -40
  echo "lint: clang-format would change files in $example/ (details: $example_build/clang-format.log)" >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "lint: clang-tidy and clang-format found nothing in include/objpool/ (${#units[@]} units);" \
  "$example/ is formatted${example_units[0]:+; clang-tidy found nothing there (${#example_units[@]} units)}"
exit "$status"
