-- wrk: POST `mutation { getObject(pool: "bench") }` (the pool is created by scripts/bench-server.sh).
-- A response that is not 200 or carries GraphQL errors (a store that failed) counts as a failure.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"mutation { getObject(pool: \\"bench\\") }"}'
failures = 0

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"') then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("graphql failures: %d\n", total("failures")))
end
