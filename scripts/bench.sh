#!/usr/bin/env bash
# Builds the benchmarks in Release (build/bench), runs them and renders the results into docs/.
# Installs what is missing first.
#
# Usage: scripts/bench.sh              the single-threaded pools (timings with repetitions,
#                                      memory, callgrind instruction counts): docs/benchmarks.md,
#                                      docs/benchmarks.png, docs/benchmarks.json; ~10 min on 2 cores
#        scripts/bench.sh concurrent   the thread-safe pools and their peers at 1, 2, 4 and 8
#                                      threads (objpool_concurrent_bench, repetitions interleaved
#                                      at random): the figures section of docs/concurrency.md and
#                                      docs/benchmarks.md, and docs/concurrency.png; ~5 min on 2 cores
# Environment: CXX (default clang++ when installed, else g++), BENCH_REPETITIONS (default 5),
# BENCH_MIN_TIME (seconds, default 0.1), BENCH_FILTER (a --benchmark_filter regex, default all), BENCH_BUILD_DIR (default build/bench); concurrent only: BENCH_THREADS
# (thread counts, default 1,2,4,8) and BENCH_PUBLISH (0 renders into $BENCH_BUILD_DIR/results
# and leaves docs/ alone; default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-single}"
case "$mode" in
  single | concurrent) ;;
  *) echo "usage: scripts/bench.sh [concurrent]" >&2; exit 2 ;;
esac

packages=(cmake g++ libbenchmark-dev python3-matplotlib)
if [ "$mode" = concurrent ]; then
  packages+=(libmimalloc-dev libjemalloc-dev libtbb-dev libconcurrentqueue-dev)
  # Any installed Boost with Boost.Lockfree will do; libboost1.81-dev only when there is none.
  [ -f /usr/include/boost/lockfree/stack.hpp ] || packages+=(libboost1.81-dev)
else
  packages+=(libfoonathan-memory-dev valgrind)
  # Any installed Boost with Boost.Pool will do; libboost-dev only when there is none.
  [ -f /usr/include/boost/pool/pool.hpp ] || packages+=(libboost-dev)
fi
scripts/install-deps.sh "${packages[@]}"

# Debian's interpreter, which python3-matplotlib belongs to (not a pyenv or venv one on PATH).
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
cxx="${CXX:-$(command -v clang++ || command -v g++)}"
default_repetitions=5
repetitions="${BENCH_REPETITIONS:-$default_repetitions}"
min_time="${BENCH_MIN_TIME:-0.1}"
filter="${BENCH_FILTER:-.}"
build="${BENCH_BUILD_DIR:-build/bench}"
results="${build}/results"
threads="${BENCH_THREADS:-1,2,4,8}"
settings="CXX=${cxx##*/} BENCH_REPETITIONS=${repetitions} BENCH_MIN_TIME=${min_time}"
[ "$mode" = concurrent ] && settings+=" BENCH_THREADS=${threads}"
command="scripts/bench.sh${1:+ $1} (${settings})"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DOBJPOOL_BUILD_BENCHMARKS=ON -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_BUILD_EXAMPLES=OFF \
  -DOBJPOOL_INSTALL=OFF >/dev/null
mkdir -p "$results"

# Writes the stamp of the run (date, machine, compiler, load, command) to $1.
write_meta() {
  local compiler cpu
  compiler="$("$cxx" --version | head -n1)"
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  "$python" - "$1" <<PY
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
    "command": "${command}",
}, open(sys.argv[1], "w"), indent=1)
PY
}

if [ "$mode" = concurrent ]; then
  cmake --build "$build" -j2 --target objpool_concurrent_bench
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  start="$(date +%s)"
  echo "=== concurrent: threads ${threads}, ${repetitions} repetitions interleaved, min time ${min_time}s ($(date -u +%H:%M:%S))"
  "$build/benchmarks/concurrent/objpool_concurrent_bench" --threads="$threads" \
    --benchmark_filter="$filter" --benchmark_repetitions="$repetitions" \
    --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_min_time="$min_time" \
    --benchmark_out="$results/concurrent.json" --benchmark_out_format=json
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  write_meta "$results/concurrent-meta.json"
  chart="$results/concurrency.png"
  publish=()
  if [ "${BENCH_PUBLISH:-1}" != 0 ]; then
    chart=docs/concurrency.png
    publish=(--publish docs/concurrency.md docs/benchmarks.md)
  fi
  "$python" benchmarks/concurrent/render.py --timings "$results/concurrent.json" \
    --meta "$results/concurrent-meta.json" --markdown "$results/concurrent.md" --plot "$chart" \
    "${publish[@]}"
  echo "=== done in $(( $(date +%s) - start )) s: $results/concurrent.md, $chart" \
    "${publish[*]:+(published into docs/concurrency.md and docs/benchmarks.md)}"
  exit 0
fi

cmake --build "$build" -j2 --target objpool_bench objpool_bench_memory objpool_bench_instructions
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
write_meta "$results/meta.json"

"$python" benchmarks/render.py --timings "$results/timings.json" --memory "$results/memory.json" \
  --instructions "$results/instructions.json" --meta "$results/meta.json" \
  --markdown docs/benchmarks.md --plot docs/benchmarks.png --data docs/benchmarks.json
echo "=== done in $(( $(date +%s) - start )) s: docs/benchmarks.md, docs/benchmarks.png, docs/benchmarks.json"
