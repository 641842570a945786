-- wrk: POST `mutation { getObject(pool: "bench") }` (the pool is created by scripts/bench-server.sh).
-- A response that is not 200 or carries GraphQL errors (a store that failed) counts as a failure.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"mutation { getObject(pool: \\"bench\\") }"}'

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"') then
    wrk.thread:set("failures", (wrk.thread:get("failures") or 0) + 1)
  end
end

-- Every thread's failure count, summed after the run (wrk runs done() in the main state).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + (thread:get("failures") or 0)
  end
  io.write(string.format("graphql failures: %d\n", failures))
end
