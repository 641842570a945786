#!/usr/bin/env bash
# Builds objpool's API reference with Doxygen (installing doxygen if it is missing) into
# build/docs/docs/api/html. Fails on any Doxygen warning, an undocumented public name included.
#
# Usage: scripts/docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v doxygen >/dev/null || scripts/install-deps.sh doxygen

cmake -S . -B build/docs -DOBJPOOL_BUILD_DOCS=ON -DOBJPOOL_BUILD_TESTS=OFF \
  -DOBJPOOL_BUILD_EXAMPLES=OFF -DOBJPOOL_INSTALL=OFF
cmake --build build/docs --target docs
