-- wrk: POST `mutation { getObject(pool: "bench") }` (the pool is created by scripts/bench-server.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"mutation { getObject(pool: \\"bench\\") }"}'
