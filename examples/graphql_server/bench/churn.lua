-- wrk: get+free churn on pool "churn". Each connection alternates: getObject, then
-- freeObject of the id it was just given, so the pool never runs dry.
local get_body = '{"query":"mutation { getObject(pool: \\"churn\\") }"}'
local pending_id = nil

function request()
  if pending_id then
    local body = '{"query":"mutation($id: Int!) { freeObject(id: $id, pool: \\"churn\\") }","variables":{"id":' ..
      pending_id .. '}}'
    pending_id = nil
    return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, get_body)
end

function response(status, headers, body)
  local id = body:match('"getObject":(%d+)')
  if id then pending_id = id end
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
