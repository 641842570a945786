#!/usr/bin/env bash
# Starts objpool-graphql from a fresh Debian 12 machine: installs the build dependencies that
# are missing (apt-get, as root or through sudo), builds the server in Release, then runs it.
#   scripts/serve.sh                      # http://127.0.0.1:8080/graphql
#   scripts/serve.sh --port 9000 --capacity 100000 --policy LIFO
#   OBJPOOL_PORT=9000 scripts/serve.sh     # every flag has an OBJPOOL_* variable (see --help)
# Arguments go to objpool-graphql; its defaults are --host 127.0.0.1 --port 8080.
# OBJPOOL_SERVE_BUILD_DIR overrides the build folder (default: build-serve in the repository).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OBJPOOL_SERVE_BUILD_DIR:-${repo}/build-serve}"
"${repo}/scripts/install-deps.sh" g++ cmake make pkg-config libboost1.81-dev libcli11-dev nlohmann-json3-dev \
  libsystemd-dev libsqlite3-dev libhiredis-dev >&2
# npm fetches the GraphiQL playground's assets at build time (from the committed lockfile).
command -v npm >/dev/null || "${repo}/scripts/install-deps.sh" nodejs npm >&2

cmake -S "${repo}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=Release -DOBJPOOL_BUILD_TESTS=OFF \
  -DOBJPOOL_BUILD_EXAMPLES=ON >&2
cmake --build "${build_dir}" --target objpool-graphql -j"$(nproc)" >&2

exec "${build_dir}/examples/graphql_server/objpool-graphql" "$@"
