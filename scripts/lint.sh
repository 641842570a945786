#!/usr/bin/env bash
# clang-tidy over every public header and over the example server's C++, with the checks of
# .clang-tidy (warnings are errors); clang-format over the example server and over the library
# headers changed since LINT_BASE (default HEAD).
#
# Library units: the umbrella header as C++17 and as C++20 (for the concept branches), from the
# generated self-containment sources, which see every declaration of every public header, and two
# tests that instantiate the templates with every policy (no_exceptions_test: IdPool, ObjectPool,
# HandlePool; concurrent_blocking_test: the concurrent pools), so the checks also see the code of
# each instantiation. A unit per header would parse the same code again (the umbrella includes
# every header; that each compiles on its own is a test of the suite). Only findings in
# include/objpool/ are reported from them: the tests are not linted.
#
# Example units: every source of examples/graphql_server (src/, http/, store/, engine/src/), with
# the exclusions of examples/graphql_server/.clang-tidy; findings in that folder are reported.
#
# All units share one pool of nproc clang-tidy processes, the slowest first. The whole run is
# about 9 minutes of CPU, 4:46 on 2 cores; .clang-tidy says why the static analyzer does not
# guess the dynamic types of virtual calls.
#
# Usage: [LINT_BASE=<git ref>] scripts/lint.sh [--no-format]
#   (--no-format: no clang-format over the changed library headers)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

format_headers=true
for argument in "$@"; do
  case "$argument" in
    --no-format) format_headers=false ;;
    *) echo "lint: unknown argument $argument" >&2; exit 2 ;;
  esac
done

command -v clang-tidy >/dev/null && command -v clang-format >/dev/null && command -v clang++ >/dev/null ||
  scripts/install-deps.sh clang clang-tidy clang-format
scripts/install-deps.sh cmake catch2 pkg-config libboost1.81-dev libcli11-dev nlohmann-json3-dev \
  libsystemd-dev libsqlite3-dev libhiredis-dev

# Neither configure builds anything: the self-containment sources are written at configure time,
# and the example's configure has no tests and no playground download.
build=build/lint
example=examples/graphql_server
example_build=build/lint-example
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DOBJPOOL_BUILD_TESTS=ON -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null
cmake -S . -B "$example_build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_BUILD_EXAMPLES=ON \
  -DOBJPOOL_INSTALL=OFF -DOBJPOOL_GRAPHQL_PLAYGROUND=OFF >/dev/null

# One line of clang-tidy arguments a unit.
library_units=(tests/concurrent/concurrent_blocking_test.cpp
               tests/reliability/no_exceptions_test.cpp
               "$build"/tests/self_contained/cxx17/objpool_objpool_hpp.cpp
               "$build"/tests/self_contained/cxx20/objpool_objpool_hpp.cpp)
mapfile -t example_units < <(git ls-files ":(glob)$example/src/*.cpp" ":(glob)$example/http/*.cpp" \
                                          ":(glob)$example/store/*.cpp" ":(glob)$example/engine/src/*.cpp")
{
  printf -- "-p $build --config-file=$root/.clang-tidy %s\n" "${library_units[@]}"
  printf -- "-p $example_build --header-filter=$root/$example/.* %s\n" "${example_units[@]}"
} >"$build/clang-tidy.units"
log="$build/clang-tidy.log"
xargs -P "$(nproc)" -L 1 clang-tidy --quiet <"$build/clang-tidy.units" >"$log" 2>&1 ||
  true  # the exit status also counts findings outside the reported folders: judged below

# One line per finding in include/objpool/ or the example (a header is seen by many units),
# paths normalized.
findings="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$log" |
  sed -E -e ':a' -e 's#/[^/ .][^/ ]*/\.\./#/#' -e 'ta' -e "s#^$root/##" |
  grep -E "^(include/objpool|$example)/" | sort -u || true)"
# A unit that does not compile is a failure whatever the file.
compile_errors="$(grep -E '\[clang-diagnostic-error\]|error: unable to|Error while processing' "$log" || true)"

status=0
if [ -n "$findings" ]; then
  echo "$findings"
  echo "lint: $(wc -l <<<"$findings") clang-tidy finding(s) (details: $log)" >&2
  status=1
fi
if [ -n "$compile_errors" ]; then
  echo "$compile_errors" >&2
  echo "lint: a translation unit did not compile (details: $log)" >&2
  status=1
fi

# clang-format on the library headers changed since LINT_BASE (default HEAD: the uncommitted
# changes; CI passes the branch point): code is formatted as it is touched. The example is
# formatted whole.
if $format_headers; then
  mapfile -t changed < <(git diff --name-only --diff-filter=d "${LINT_BASE:-HEAD}" -- 'include/objpool/*.hpp')
  if [ ${#changed[@]} -gt 0 ] &&
     ! clang-format --dry-run --Werror "${changed[@]}" 2>"$build/clang-format.log"; then
    grep -E 'warning|error' "$build/clang-format.log" | head -40
    echo "lint: clang-format would change ${changed[*]} (details: $build/clang-format.log)" >&2
    status=1
  fi
fi
mapfile -t example_files < <(git ls-files "$example/*.cpp" "$example/*.hpp")
if ! clang-format --dry-run --Werror "${example_files[@]}" 2>"$example_build/clang-format.log"; then
  grep -E 'warning|error' "$example_build/clang-format.log" | head -40
  echo "lint: clang-format would change files in $example/ (details: $example_build/clang-format.log)" >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "lint: clang-tidy found nothing in include/objpool/ (${#library_units[@]} units)" \
  "nor in $example/ (${#example_units[@]} units); $example/ is formatted"
exit "$status"
