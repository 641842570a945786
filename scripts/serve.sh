#!/usr/bin/env bash
# Starts objpool-graphql from a fresh Debian 12 machine: installs the build dependencies that
# are missing (apt-get, as root or through sudo), builds the server in Release, then runs it.
#   scripts/serve.sh                      # http://127.0.0.1:8080/graphql
#   scripts/serve.sh --port 9000 --capacity 100000 --policy LIFO
# Arguments go to objpool-graphql (see --help); --host 127.0.0.1 and --port 8080 unless given.
# OBJPOOL_SERVE_BUILD_DIR overrides the build folder (default: build-serve in the repository).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OBJPOOL_SERVE_BUILD_DIR:-${repo}/build-serve}"
"${repo}/scripts/install-deps.sh" g++ cmake make libboost1.81-dev libcli11-dev nlohmann-json3-dev >&2
# npm fetches the GraphiQL playground's assets at build time (from the committed lockfile).
command -v npm >/dev/null || "${repo}/scripts/install-deps.sh" nodejs npm >&2

cmake -S "${repo}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=Release -DOBJPOOL_BUILD_TESTS=OFF \
  -DOBJPOOL_BUILD_EXAMPLES=ON >&2
cmake --build "${build_dir}" --target objpool-graphql -j"$(nproc)" >&2

args=("$@")
has_flag() {
  local flag
  for flag in "${args[@]}"; do
    [[ "${flag}" == "$1" || "${flag}" == "$1="* ]] && return 0
  done
  return 1
}
has_flag --host || args=(--host 127.0.0.1 "${args[@]}")
has_flag --port || args=(--port 8080 "${args[@]}")
exec "${build_dir}/examples/graphql_server/objpool-graphql" "${args[@]}"
