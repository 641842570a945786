#!/usr/bin/env bash
# Load benchmark of objpool-graphql with wrk, next to nginx serving a fixed JSON body (the HTTP
# ceiling of this machine), all on loopback. Prints a markdown table and writes it to $OUT.
#   scripts/bench-server.sh                  # 10 s per workload, wrk -t2 -c32
#   ROUNDS=3 scripts/bench-server.sh        # repeat everything (the machine may be shared)
#   DURATION=5s THREADS=2 CONNECTIONS=32 SERVER_THREADS=2 NGINX_WORKERS=2 scripts/bench-server.sh
# (SERVER_THREADS is objpool-graphql's --threads, NGINX_WORKERS nginx's worker_processes; both
# default to the number of cores.)
#   BASELINE_BIN=/path/to/other/objpool-graphql scripts/bench-server.sh
# also measures another build of the server (say, an older commit) in each round, after this one.
#   scripts/bench-server.sh stores
# measures each store instead (memory; sqlite:FILE in a temporary directory; Redis, a redis-server
# of its own on a free loopback port with appendonly yes and appendfsync always) with getObject and
# get + free churn, next to nginx and to redis-benchmark calling the store's Function objpool_get
# with as many clients as the server has store calls in flight (min(STORE_SERVER_THREADS,
# CONNECTIONS): each server thread waits for its call). STORE_SERVER_THREADS (default 32) is the
# durable stores' --threads; REDIS_BENCH_REQUESTS (default 100000) redis-benchmark's -n; with
# BASELINE_BIN, that build's getObject is measured on each store too, after this one's.
# Needs wrk and nginx (apt-get install wrk nginx), and redis-server and redis-benchmark for the
# stores mode (apt-get install redis-server), besides the build dependencies of serve.sh.
set -euo pipefail

mode="${1:-server}"
[[ "${mode}" == server || "${mode}" == stores ]] || {
  echo "usage: bench-server.sh [server|stores]" >&2
  exit 2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OBJPOOL_SERVE_BUILD_DIR:-${repo}/build-serve}"
bench="${repo}/examples/graphql_server/bench"
duration="${DURATION:-10s}"
rounds="${ROUNDS:-1}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
server_threads="${SERVER_THREADS:-$(nproc)}"
nginx_workers="${NGINX_WORKERS:-$(nproc)}"
out="${OUT:-${build_dir}/bench-server.md}"

tools=(wrk nginx curl)
[[ "${mode}" == stores ]] && tools+=(redis-server redis-benchmark redis-cli python3)
for tool in "${tools[@]}"; do
  command -v "${tool}" >/dev/null || { echo "bench-server.sh: ${tool} is needed (apt-get install ${tool})" >&2; exit 1; }
done

cmake -S "${repo}" -B "${build_dir}" -DCMAKE_BUILD_TYPE=Release -DOBJPOOL_BUILD_TESTS=OFF >/dev/null
cmake --build "${build_dir}" --target objpool-graphql -j"$(nproc)" >/dev/null
binary="${build_dir}/examples/graphql_server/objpool-graphql"

work="$(mktemp -d)"
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  [[ -f "${work}/nginx.pid" ]] && kill "$(cat "${work}/nginx.pid")" 2>/dev/null || true
  if [[ -n "${redis_pid:-}" ]]; then
    kill "${redis_pid}" 2>/dev/null || true
    wait "${redis_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

free_port() {
  local port
  for port in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "${port}"
      return
    fi
  done
  echo "bench-server.sh: no free port in 18080-18180" >&2
  exit 1
}

# --- nginx: a fixed JSON response, the ceiling for any HTTP server here -----------------------
nginx_port="$(free_port)"
cat >"${work}/nginx.conf" <<NGINX
worker_processes ${nginx_workers};
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  server {
    listen 127.0.0.1:${nginx_port};
    location / { default_type application/json; return 200 '{"data":{"getObject":1}}'; }
  }
}
NGINX
nginx -c "${work}/nginx.conf" -p "${work}" 2>/dev/null

# --- objpool-graphql ----------------------------------------------------------------------------
# In a session of its own, as nginx (a daemon) and a systemd service are: with autogroup scheduling
# (/proc/sys/kernel/sched_autogroup_enabled) each session is one CPU scheduling group, and the
# server would otherwise share one group's share of a busy machine with wrk while nginx has its own.
# start_server THREADS BINARY [OPTION...]: starts it with --threads THREADS and the options, sets
# server_port and server_pid, creates the pools.
start_server() {
  local out="${work}/server-${#server_pids[@]}.out" threads="$1" binary="$2"
  shift 2
  setsid "${binary}" --host 127.0.0.1 --port 0 --threads "${threads}" --max-capacity 10000000 \
    "$@" >"${out}" 2>&1 </dev/null &
  server_pid=$!
  server_pids+=("${server_pid}")
  for _ in $(seq 50); do
    grep -q "listening on" "${out}" 2>/dev/null && break
    sleep 0.1
  done
  server_port="$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\).*/\1/p' "${out}")"
  [[ -n "${server_port}" ]] || { cat "${out}" >&2; exit 1; }
  graphql '{"query":"mutation { createPool(name: \"bench\", capacity: 10000000) { name } }"}'
  graphql '{"query":"mutation { createPool(name: \"churn\", capacity: 1000) { name } }"}'
}
graphql() {
  curl -fsS "http://127.0.0.1:${server_port}/graphql" -H 'Content-Type: application/json' -d "$1" >/dev/null
}
if [[ "${mode}" == server ]]; then
  start_server "${server_threads}" "${binary}"
  main_port="${server_port}"
  main_pid="${server_pid}"
  if [[ -n "${BASELINE_BIN:-}" ]]; then
    start_server "${server_threads}" "${BASELINE_BIN}"
    baseline_port="${server_port}"
    baseline_pid="${server_pid}"
  fi
fi

# CPU time (clock ticks, user + system) of every thread of the given processes so far.
cpu_ticks() {
  local total=0 pid task fields
  for pid in "$@"; do
    for task in /proc/"${pid}"/task/*; do
      read -r -a fields <"${task}/stat" 2>/dev/null || continue
      total=$((total + fields[13] + fields[14]))
    done
  done
  echo "${total}"
}
nginx_pids() { echo "$(cat "${work}/nginx.pid")" $(pgrep -P "$(cat "${work}/nginx.pid")"); }
hz="$(getconf CLK_TCK)"

rows=()
nginx_rps=""
# run LABEL URL SCRIPT PID... (the server's processes, whose CPU time is measured)
run() {
  local label="$1" url="$2" script="$3" output rps p50 p99 errors non2xx failures ratio
  local before after wrk_before wrk_after server_cpu wrk_cpu requests
  shift 3
  wrk -t"${threads}" -c"${connections}" -d1s -s "${script}" "${url}" >/dev/null  # warm-up
  before="$(cpu_ticks "$@")"
  wrk_before="$(awk '{print $16 + $17}' /proc/$$/stat)"  # children's CPU ticks so far (wrk's)
  output="$(wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency -s "${script}" "${url}")"
  after="$(cpu_ticks "$@")"
  wrk_after="$(awk '{print $16 + $17}' /proc/$$/stat)"
  echo "${output}" >&2
  rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"${output}")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"${output}")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"${output}")"
  errors="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"${output}")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"${output}")"
  failures="$(awk '/^graphql failures:/ {print $3}' <<<"${output}")"
  errors=$(( ${errors:-0} + ${non2xx:-0} + ${failures:-0} ))
  if [[ -z "${nginx_rps}" ]]; then
    nginx_rps="${rps}"
  fi
  ratio="$(awk -v a="${rps}" -v b="${nginx_rps}" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
  # CPU: the server's microseconds per request, and each side's share of the machine's cores.
  requests="$(awk '/requests in/ {print $1}' <<<"${output}")"
  server_cpu="$(awk -v t=$((after - before)) -v n="${requests}" -v hz="${hz}" 'BEGIN {printf "%.1f", 1e6 * t / hz / n}')"
  wrk_cpu="$(awk -v t=$((wrk_after - wrk_before)) -v hz="${hz}" -v d="${duration%s}" -v c="$(nproc)" \
    'BEGIN {printf "%.0f%%", 100 * t / hz / d / c}')"
  local server_share
  server_share="$(awk -v t=$((after - before)) -v hz="${hz}" -v d="${duration%s}" -v c="$(nproc)" \
    'BEGIN {printf "%.0f%%", 100 * t / hz / d / c}')"
  rows+=("| ${label} | ${rps} | ${ratio} | ${p50} | ${p99} | ${errors} | ${server_cpu} | ${server_share} | ${wrk_cpu} |")
  last_rps="${rps}" last_p50="${p50}" last_p99="${p99}" last_errors="${errors}"
}

# workloads NAME PORT PID: the three GraphQL workloads against one server.
workloads() {
  run "${round}: $1 \`mutation { getObject }\` (10,000,000 pool)" \
    "http://127.0.0.1:$2/graphql" "${bench}/get_object.lua" "$3"
  run "${round}: $1 get + free churn (1,000 pool)" "http://127.0.0.1:$2/graphql" "${bench}/churn.lua" "$3"
  run "${round}: $1 \`{ pool { available } }\`" "http://127.0.0.1:$2/graphql" "${bench}/pool_query.lua" "$3"
}


# --- stores mode ---------------------------------------------------------------------------------
# A loopback port the kernel picks among the free ones (random in the ephemeral range).
kernel_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A redis-server of its own, as the store tests start it: AOF fsynced before every reply.
start_redis() {
  mkdir -p "${work}/redis"
  for _ in 1 2 3 4 5; do
    redis_port="$(kernel_port)"
    setsid redis-server --port "${redis_port}" --bind 127.0.0.1 --dir "${work}/redis" \
      --appendonly yes --appendfsync always --save '' --daemonize no \
      --logfile "${work}/redis/redis.log" </dev/null &
    redis_pid=$!
    for _ in $(seq 100); do
      redis-cli -p "${redis_port}" ping >/dev/null 2>&1 && return
      kill -0 "${redis_pid}" 2>/dev/null || break
      sleep 0.05
    done
    kill "${redis_pid}" 2>/dev/null || true
  done
  echo "bench-server.sh: redis-server did not start (see ${work}/redis/redis.log)" >&2
  exit 1
}

# redis_benchmark POOL CLIENTS: redis-benchmark calling objpool_get on POOL's keys, as RedisStore
# does; sets last_rps, last_p50, last_p99.
redis_benchmark() {
  local prefix="objpool:{$1}:" output
  local command=(FCALL objpool_get 7 "${prefix}meta" "${prefix}freed" "${prefix}out" "${prefix}leases"
    "${prefix}expiry" objpool:pools objpool:next_token "$1")
  redis-benchmark -h 127.0.0.1 -p "${redis_port}" -c "$2" -n 2000 "${command[@]}" >/dev/null  # warm-up
  output="$(redis-benchmark -h 127.0.0.1 -p "${redis_port}" -c "$2" -n "${redis_bench_requests}" --csv \
    "${command[@]}")"
  echo "${output}" >&2
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",...
  read -r last_rps last_p50 last_p99 < <(awk -F'","' 'NR == 2 {printf "%.0f %.2fms %.2fms\n", $2, $5, $7}' <<<"${output}")
}

store_rows=()
# store_row LABEL REFERENCE_LABEL REFERENCE_RPS TARGET: a row for the last run; TARGET is a share
# of REFERENCE_RPS ("75%") or an absolute rate ("10000/s"), or "" for none.
store_row() {
  local ratio="" verdict=""
  if [[ -n "$3" ]]; then
    ratio="$(awk -v a="${last_rps}" -v b="$3" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
  fi
  case "$4" in
    *%) verdict="$(awk -v a="${last_rps}" -v b="$3" -v t="${4%\%}" \
          'BEGIN {print (100 * a / b >= t) ? "met" : "missed"}')" ;;
    */s) verdict="$(awk -v a="${last_rps}" -v t="${4%/s}" 'BEGIN {print (a >= t) ? "met" : "missed"}')" ;;
  esac
  store_rows+=("| $1 | ${last_rps} | ${last_p50} | ${last_p99} | ${last_errors:-} | ${2:+$2: }${ratio} | ${4:+≥ $4: }${verdict} |")
}

if [[ "${mode}" == stores ]]; then
  store_server_threads="${STORE_SERVER_THREADS:-32}"
  redis_bench_requests="${REDIS_BENCH_REQUESTS:-100000}"
  in_flight=$((store_server_threads < connections ? store_server_threads : connections))
  start_redis
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq "${rounds}"); do
    nginx_rps=""
    run "${round}: nginx" "http://127.0.0.1:${nginx_port}/" "${bench}/get_object.lua" $(nginx_pids)
    nginx_reference="${last_rps}"
    store_row "${round}: nginx, fixed JSON body (ceiling)" "" "" ""
    for store in memory "sqlite:${work}/pools-${round}.db" "redis://127.0.0.1:${redis_port}"; do
      case "${store}" in
        memory) name=memory store_threads="${server_threads}" ;;
        sqlite:*) name=sqlite store_threads="${store_server_threads}" ;;
        redis:*) name=redis store_threads="${store_server_threads}" ;;
      esac
      [[ "${name}" != redis ]] || redis-cli -p "${redis_port}" flushall >/dev/null
      start_server "${store_threads}" "${binary}" --store "${store}"
      if [[ "${name}" == redis ]]; then
        graphql '{"query":"mutation { createPool(name: \"redis-benchmark\", capacity: 10000000) { name } }"}'
        redis_benchmark redis-benchmark "${in_flight}"
        # Every call must have taken an id: an error reply would be counted as a fast request.
        last_errors=$((redis_bench_requests + 2000 - $(redis-cli -p "${redis_port}" hget "objpool:{redis-benchmark}:meta" allocated)))
        reference_rps="${last_rps}"
        store_row "${round}: redis-benchmark -c ${in_flight} FCALL objpool_get" "" "" ""
      fi
      run "${round}: ${name}" "http://127.0.0.1:${server_port}/graphql" "${bench}/get_object.lua" "${server_pid}"
      case "${name}" in
        memory) store_row "${round}: memory getObject (--threads ${store_threads})" nginx "${nginx_reference}" 75% ;;
        sqlite) store_row "${round}: sqlite getObject (--threads ${store_threads})" "" "" 10000/s ;;
        redis) store_row "${round}: redis getObject (--threads ${store_threads})" redis-benchmark "${reference_rps}" 50% ;;
      esac
      run "${round}: ${name}" "http://127.0.0.1:${server_port}/graphql" "${bench}/churn.lua" "${server_pid}"
      store_row "${round}: ${name} get + free churn" "" "" ""
      kill "${server_pid}"
      wait "${server_pid}" 2>/dev/null || true
      if [[ -n "${BASELINE_BIN:-}" ]]; then
        # The same store, so its pools exist already (createPool answers an error, ignored).
        start_server "${store_threads}" "${BASELINE_BIN}" --store "${store}"
        run "${round}: baseline ${name}" "http://127.0.0.1:${server_port}/graphql" "${bench}/get_object.lua" \
          "${server_pid}"
        case "${name}" in
          memory) store_row "${round}: baseline memory getObject" nginx "${nginx_reference}" 75% ;;
          sqlite) store_row "${round}: baseline sqlite getObject" "" "" 10000/s ;;
          redis) store_row "${round}: baseline redis getObject" redis-benchmark "${reference_rps}" 50% ;;
        esac
        kill "${server_pid}"
        wait "${server_pid}" 2>/dev/null || true
      fi
    done
  done
  cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on ${cpu:-unknown CPU}, $(nproc) cores, $(uname -sr);"
    echo "\`scripts/bench-server.sh stores\`: wrk -t${threads} -c${connections} -d${duration} --latency on loopback;"
    echo "memory with --threads ${server_threads}, the durable stores with --threads ${store_server_threads};"
    echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') with appendonly yes, appendfsync always;"
    echo "redis-benchmark -c ${in_flight} -n ${redis_bench_requests} (as many clients as store calls in flight);"
    [[ -z "${BASELINE_BIN:-}" ]] || echo "baseline: ${BASELINE_BIN};"
    echo "nginx worker_processes ${nginx_workers}; all on the same cores."
    echo "Load average (1, 5, 15 min) before: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| round: workload | requests/s | p50 | p99 | errors | ratio | target |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${store_rows[@]}"
  } | tee "${out%.md}-stores.md"
  exit 0
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Each round measures nginx first, so every "vs nginx" compares runs a few seconds apart.
for round in $(seq "${rounds}"); do
  nginx_rps=""
  run "${round}: nginx, fixed JSON body (ceiling)" "http://127.0.0.1:${nginx_port}/" "${bench}/get_object.lua" \
    $(nginx_pids)
  workloads "objpool-graphql" "${main_port}" "${main_pid}"
  if [[ -n "${BASELINE_BIN:-}" ]]; then
    workloads "baseline" "${baseline_port}" "${baseline_pid}"
  fi
done

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on ${cpu:-unknown CPU}, $(nproc) cores, $(uname -sr);"
  echo "wrk -t${threads} -c${connections} -d${duration} --latency on loopback; objpool-graphql --threads ${server_threads},"
  [[ -z "${BASELINE_BIN:-}" ]] || echo "baseline: ${BASELINE_BIN},"
  echo "nginx worker_processes ${nginx_workers}; wrk on the same cores."
  echo "Load average (1, 5, 15 min) before: ${load_before}; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "nginx (a daemon) and objpool-graphql (started with setsid) each run in a session of their own;"
  echo "wrk runs in this script's (autogroup scheduling: $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo unknown))."
  echo "CPU columns: the server's CPU time (user + system, all its threads) per request, and the"
  echo "server's and wrk's CPU time as a share of all $(nproc) cores over the run."
  echo
  echo "| round: workload | requests/s | vs nginx | p50 | p99 | errors | server CPU µs/request | server CPU | wrk CPU |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
} | tee "${out}"
