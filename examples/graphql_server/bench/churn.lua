-- wrk: get+free churn on pool "churn" (1,000 ids). Each thread frees every id it was given once,
-- oldest first, before its next get, so the pool never runs dry. A get that finds the pool empty
-- (null) counts as a failure: the run would no longer be churn.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local headers = {["Content-Type"] = "application/json"}
local get_body = '{"query":"mutation { getObject(pool: \\"churn\\") }"}'
local free_format = '{"query":"mutation($id: Int!) { freeObject(id: $id, pool: \\"churn\\") }",' ..
  '"variables":{"id":%s}}'
failures = 0

function request()
  local id = queue_pop()
  if id then
    return wrk.format("POST", "/graphql", headers, string.format(free_format, id))
  end
  return wrk.format("POST", "/graphql", headers, get_body)
end

function response(status, headers, body)
  local id = body:match('"getObject":(%d+)')
  if id then
    queue_push(id)
  end
  if status ~= 200 or body:find('"errors"') or body:find('"getObject":null', 1, true) or
      body:find('"freeObject":false', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("graphql failures: %d\n", total("failures")))
end
