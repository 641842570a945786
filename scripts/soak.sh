#!/usr/bin/env bash
# Soak test of objpool-graphql on loopback: a Release server under mixed get/free load from wrk
# for a bounded time, with a checker that no id is ever out twice, and the server's RSS sampled
# throughout. Exits non-zero on any 5xx, duplicate id, failed request or RSS growth.
#   scripts/soak.sh            # 180 s
#   scripts/soak.sh 15         # a short run
#   CONNECTIONS=32 CAPACITY=64 RSS_EVERY=5 scripts/soak.sh 600
# Load: wrk -t1 with soak_churn.lua (get then free of every id it got, on pool "soak" of
# CAPACITY ids, so each id is reused many times), wrk -t1 with soak_hoard.lua (get only, on
# pool "hoard", which runs dry; every id received must be distinct), and
# examples/graphql_server/bench/soak_checker.mjs (node: holds ids of "soak", asserts isAllocated
# and a successful free of each). The server writes an access log, and every line of it must be
# well formed (remote, time, method, target, status, bytes, duration). Needs wrk and node besides
# the build dependencies of serve.sh.
# OBJPOOL_SOAK_BUILD_DIR overrides the build folder (default: build-soak in the repository).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OBJPOOL_SOAK_BUILD_DIR:-${repo}/build-soak}"
bench="${repo}/examples/graphql_server/bench"
seconds="${1:-180}"
connections="${CONNECTIONS:-24}"
capacity="${CAPACITY:-64}"
hoard_capacity="${HOARD_CAPACITY:-200000}"
rss_every="${RSS_EVERY:-5}"
server_threads="${SERVER_THREADS:-$(nproc)}"
rss_tolerance_kb="${RSS_TOLERANCE_KB:-2048}"  # last-quarter mean may exceed the first by 10% + this

[[ "${seconds}" =~ ^[0-9]+$ && "${seconds}" -ge 5 && "${seconds}" -le 3600 ]] ||
  { echo "soak.sh: duration must be 5..3600 seconds" >&2; exit 2; }
for tool in wrk node curl; do
  command -v "${tool}" >/dev/null || { echo "soak.sh: ${tool} is needed" >&2; exit 1; }
done

if [[ -z "${OBJPOOL_GRAPHQL_BIN:-}" ]]; then
  mkdir -p "${build_dir}"
  cmake -S "${repo}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=Release -DOBJPOOL_BUILD_TESTS=OFF -DOBJPOOL_GRAPHQL_PLAYGROUND=OFF \
    >"${build_dir}/soak-configure.log" 2>&1 ||
    { cat "${build_dir}/soak-configure.log" >&2; exit 1; }
  cmake --build "${build_dir}" --target objpool-graphql -j"$(nproc)" >"${build_dir}/soak-build.log" 2>&1 ||
    { tail -50 "${build_dir}/soak-build.log" >&2; exit 1; }
  binary="${build_dir}/examples/graphql_server/objpool-graphql"
else
  binary="${OBJPOOL_GRAPHQL_BIN}"
fi

work="$(mktemp -d)"
pids=()
server_pid=""
cleanup() {
  local pid
  for pid in "${pids[@]}" ${server_pid}; do kill "${pid}" 2>/dev/null || true; done
  for pid in "${pids[@]}" ${server_pid}; do wait "${pid}" 2>/dev/null || true; done
  rm -rf "${work}"
}
trap cleanup EXIT

"${binary}" --host 127.0.0.1 --port 0 --threads "${server_threads}" --capacity 10 \
  --max-capacity "$(( hoard_capacity > capacity ? hoard_capacity : capacity ))" --access-log "${work}/access.log" \
  >"${work}/server.out" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "${work}/server.out")"
  [[ -n "${port}" ]] && break
  sleep 0.1
done
[[ -n "${port}" ]] || { echo "soak.sh: the server did not start" >&2; cat "${work}/server.out" >&2; exit 1; }
url="http://127.0.0.1:${port}"

gql() {
  curl -sS --max-time 10 -H 'Content-Type: application/json' --data "$1" "${url}/graphql"
}
gql "{\"query\":\"mutation { a: createPool(name: \\\"soak\\\", capacity: ${capacity}) { name } b: createPool(name: \\\"hoard\\\", capacity: ${hoard_capacity}, policy: BITMAP) { name } }\"}" >"${work}/create.json"
grep -q '"errors"' "${work}/create.json" && { cat "${work}/create.json" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/${server_pid}/status"; }
echo "soak.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, ${seconds} s, server --threads ${server_threads}," \
  "pool soak (FIFO, ${capacity} ids) + hoard (BITMAP, ${hoard_capacity} ids), wrk ${connections} + 8 connections"

(
  while sleep "${rss_every}"; do
    [[ -r "/proc/${server_pid}/status" ]] || break
    echo "$(rss_kb)"
  done
) >"${work}/rss.txt" &
pids+=($!)
echo "$(rss_kb)" >"${work}/rss0.txt"

SOAK_POOL=soak wrk -t1 -c"${connections}" -d"${seconds}s" --timeout 10s -s "${bench}/soak_churn.lua" "${url}/graphql" \
  >"${work}/churn.out" 2>&1 &
churn_pid=$!
pids+=("${churn_pid}")
SOAK_HOARD_POOL=hoard wrk -t1 -c8 -d"${seconds}s" --timeout 10s -s "${bench}/soak_hoard.lua" "${url}/graphql" \
  >"${work}/hoard.out" 2>&1 &
hoard_pid=$!
pids+=("${hoard_pid}")
node "${bench}/soak_checker.mjs" "${port}" soak "${seconds}" >"${work}/checker.out" 2>&1 &
checker_pid=$!
pids+=("${checker_pid}")

status=0
wait "${churn_pid}" || status=1
wait "${hoard_pid}" || status=1
wait "${checker_pid}" || { echo "soak.sh: the checker failed" >&2; status=1; }
sleep 1  # let requests cut off by wrk's end finish on the server

cat "${work}/churn.out" "${work}/hoard.out" "${work}/checker.out"
field() { sed -n "s/.*$2=\([0-9-]*\).*/\1/p" "$1" | head -1; }
pool_allocated() {
  gql "{\"query\":\"{ pool(name: \\\"$1\\\") { allocated } }\"}" | sed -n 's/.*"allocated":\([0-9]*\).*/\1/p'
}

fail() { echo "soak.sh: FAIL: $*" >&2; status=1; }
for out in churn hoard; do
  [[ -n "$(field "${work}/${out}.out" requests)" ]] || fail "wrk ${out} printed no summary"
  [[ "$(field "${work}/${out}.out" server_errors)" == 0 ]] || fail "5xx responses from ${out} clients"
  [[ "$(field "${work}/${out}.out" failures)" == 0 ]] || fail "unexpected responses to ${out} clients"
done
[[ "$(field "${work}/hoard.out" duplicates)" == 0 ]] || fail "an id of pool hoard was handed out twice"
grep -q 'duplicates=0 server_errors=0 failures=0' "${work}/checker.out" || fail "the checker saw a duplicate or an error"

# Ids still out must be those the clients hold, give or take requests wrk cut off mid-flight.
soak_allocated="$(pool_allocated soak)"
outstanding="$(field "${work}/churn.out" outstanding)"
inflight_gets="$(field "${work}/churn.out" inflight_gets)"
inflight_frees="$(field "${work}/churn.out" inflight_frees)"
if (( soak_allocated < outstanding - inflight_frees || soak_allocated > outstanding + inflight_gets )); then
  fail "pool soak has ${soak_allocated} ids out; the clients hold ${outstanding} (in flight: ${inflight_gets} gets, ${inflight_frees} frees)"
fi
hoard_allocated="$(pool_allocated hoard)"
hoard_distinct="$(field "${work}/hoard.out" distinct)"
hoard_inflight="$(field "${work}/hoard.out" inflight)"
if (( hoard_allocated < hoard_distinct || hoard_allocated > hoard_distinct + hoard_inflight )); then
  fail "pool hoard has ${hoard_allocated} ids out; the clients received ${hoard_distinct} distinct ids"
fi
metrics_5xx="$(curl -sS --max-time 10 "${url}/metrics" | awk '/^objpool_http_responses_total\{.*code="5/ { sum += $2 } END { print sum + 0 }')"
[[ "${metrics_5xx}" == 0 ]] || fail "the server counted ${metrics_5xx} 5xx responses"
[[ "$(curl -sS --max-time 10 "${url}/healthz")" == ok ]] || fail "/healthz after the run"
log_line='^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} \+0000\] "(GET|POST) /[^ "]*" [1-5][0-9]{2} [0-9]+ [0-9]+$'
log_lines="$(wc -l <"${work}/access.log")"
malformed_lines="$(grep -cvE "${log_line}" "${work}/access.log" || true)"
echo "soak.sh: access log: ${log_lines} lines, ${malformed_lines} malformed"
(( log_lines > 0 )) || fail "the access log is empty"
if (( malformed_lines > 0 )); then
  fail "malformed access log lines, e.g.:"
  grep -vE "${log_line}" "${work}/access.log" | head -5 >&2
fi

mapfile -t rss < <(cat "${work}/rss0.txt" "${work}/rss.txt")
count=${#rss[@]}
quarter=$(( count / 4 > 0 ? count / 4 : 1 ))
first=0; last=0
for ((i = 0; i < quarter; ++i)); do first=$(( first + rss[i] )); last=$(( last + rss[count - 1 - i] )); done
first=$(( first / quarter )); last=$(( last / quarter ))
echo "SOAK rss_kb samples=${count} every=${rss_every}s first_quarter_mean=${first} last_quarter_mean=${last} all=${rss[*]}"
(( last <= first + first / 10 + rss_tolerance_kb )) || fail "RSS grew from ${first} kB to ${last} kB"
echo "SOAK pools soak_allocated=${soak_allocated} churn_outstanding=${outstanding} hoard_allocated=${hoard_allocated} hoard_distinct=${hoard_distinct} metrics_5xx=${metrics_5xx}"

kill "${server_pid}" 2>/dev/null || true
wait "${server_pid}" 2>/dev/null || true
server_pid=""
if (( status == 0 )); then echo "soak.sh: PASS"; else echo "soak.sh: FAIL" >&2; fi
exit "${status}"
