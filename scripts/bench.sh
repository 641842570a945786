#!/usr/bin/env bash
# Builds the benchmarks in Release (build/bench), runs them (timings with repetitions, memory,
# callgrind instruction counts) and renders docs/benchmarks.md, docs/benchmarks.png and
# docs/benchmarks.json. Installs what is missing first. Takes about 10 minutes on 2 cores.
#
# Usage: scripts/bench.sh
# Environment: CXX (default clang++ when installed, else g++), BENCH_REPETITIONS (default 5),
# BENCH_MIN_TIME (seconds, default 0.1), BENCH_FILTER (a --benchmark_filter regex, default all),
# BENCH_BUILD_DIR (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ libbenchmark-dev libfoonathan-memory-dev python3-matplotlib valgrind)
# Any installed Boost with Boost.Pool will do; libboost-dev only when there is none.
[ -f /usr/include/boost/pool/pool.hpp ] || packages+=(libboost-dev)
scripts/install-deps.sh "${packages[@]}"

# Debian's interpreter, which python3-matplotlib belongs to (not a pyenv or venv one on PATH).
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
cxx="${CXX:-$(command -v clang++ || command -v g++)}"
repetitions="${BENCH_REPETITIONS:-5}"
min_time="${BENCH_MIN_TIME:-0.1}"
filter="${BENCH_FILTER:-.}"
build="${BENCH_BUILD_DIR:-build/bench}"
results="${build}/results"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DOBJPOOL_BUILD_BENCHMARKS=ON -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null
cmake --build "$build" -j2 --target objpool_bench objpool_bench_memory objpool_bench_instructions
mkdir -p "$results"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start="$(date +%s)"
echo "=== timings: ${repetitions} repetitions, min time ${min_time}s ($(date -u +%H:%M:%S))"
"$build/benchmarks/objpool_bench" --benchmark_filter="$filter" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_min_time="$min_time" \
  --benchmark_out="$results/timings.json" --benchmark_out_format=json
echo "=== memory ($(date -u +%H:%M:%S))"
"$build/benchmarks/objpool_bench_memory" >"$results/memory.json"
echo "=== instructions with callgrind ($(date -u +%H:%M:%S))"
"$python" benchmarks/instructions.py "$build/benchmarks/objpool_bench_instructions" \
  "$results/instructions.json"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

compiler="$("$cxx" --version | head -n1)"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$python" - "$results/meta.json" <<PY
import json, sys
json.dump({
    "date": "$(date -u +%Y-%m-%d\ %H:%M\ UTC)",
    "cpu": "${cpu}",
    "cores": $(nproc),
    "compiler": "${compiler}",
    "benchmark": "$(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null | cut -d- -f1)",
    "repetitions": ${repetitions},
    "min_time": "${min_time}",
    "load_before": "${load_before}",
    "load_after": "${load_after}",
    "seconds": $(( $(date +%s) - start )),
    "command": "scripts/bench.sh (CXX=${cxx##*/} BENCH_REPETITIONS=${repetitions} BENCH_MIN_TIME=${min_time})",
}, open(sys.argv[1], "w"), indent=1)
PY

"$python" benchmarks/render.py --timings "$results/timings.json" --memory "$results/memory.json" \
  --instructions "$results/instructions.json" --meta "$results/meta.json" \
  --markdown docs/benchmarks.md --plot docs/benchmarks.png --data docs/benchmarks.json
echo "=== done in $(( $(date +%s) - start )) s: docs/benchmarks.md, docs/benchmarks.png, docs/benchmarks.json"
