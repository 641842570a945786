-- wrk: get+free churn on pool "churn" (1,000 ids). Each thread queues the ids it was given and
-- frees each once, oldest first, before its next get, so the pool never runs dry. The queue is
-- per thread (one Lua state each), not per connection: a thread's connections interleave, and a
-- single "pending id" would be overwritten by another connection's answer and its id never freed.
-- A get that finds the pool empty (null) counts as a failure: the run would no longer be churn.
local headers = {["Content-Type"] = "application/json"}
local get_body = '{"query":"mutation { getObject(pool: \\"churn\\") }"}'
local free_format = '{"query":"mutation($id: Int!) { freeObject(id: $id, pool: \\"churn\\") }",' ..
  '"variables":{"id":%s}}'
local queue, head, tail = {}, 1, 0

function request()
  if tail >= head then
    local id = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format("POST", "/graphql", headers, string.format(free_format, id))
  end
  return wrk.format("POST", "/graphql", headers, get_body)
end

function response(status, headers, body)
  local id = body:match('"getObject":(%d+)')
  if id then
    tail = tail + 1
    queue[tail] = id
  end
  if status ~= 200 or body:find('"errors"') or body:find('"getObject":null', 1, true) or
      body:find('"freeObject":false', 1, true) then
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
