-- wrk, scripts/soak.sh: get+free churn on one small pool (SOAK_POOL, default "soak"). Each
-- thread queues the ids it was given and frees each exactly once, so ids are reused many times.
-- A freeObject that does not answer true means the id had been freed (or handed out) by someone
-- else: a duplicate. Counters are per thread (one Lua state each), summed in done().
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local pool = os.getenv("SOAK_POOL") or "soak"
local headers = {["Content-Type"] = "application/json"}
local get_body = string.format('{"query":"mutation { getObject(pool: \\"%s\\") }"}', pool)
local free_format = '{"query":"mutation($id: Int!) { freeObject(id: $id, pool: \\"' .. pool ..
  '\\") }","variables":{"id":%s}}'

-- Requests are sent in order per connection, but a thread's connections interleave: remember
-- what each in-flight request was by counting kinds, not by position.
gets, frees, nulls, failures, server_errors, outstanding = 0, 0, 0, 0, 0, 0
inflight_gets, inflight_frees = 0, 0

function request()
  local id = queue_pop()
  if id then
    inflight_frees = inflight_frees + 1
    return wrk.format("POST", "/graphql", headers, string.format(free_format, id))
  end
  inflight_gets = inflight_gets + 1
  return wrk.format("POST", "/graphql", headers, get_body)
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
  local id = body:match('"getObject":(%d+)')
  if id then
    inflight_gets = inflight_gets - 1
    gets = gets + 1
    outstanding = outstanding + 1
    queue_push(id)
  elseif body:find('"getObject":null', 1, true) then
    inflight_gets = inflight_gets - 1
    nulls = nulls + 1
  elseif body:find('"freeObject":true', 1, true) then
    inflight_frees = inflight_frees - 1
    frees = frees + 1
    outstanding = outstanding - 1
  else
    if body:find('freeObject', 1, true) then inflight_frees = inflight_frees - 1 else inflight_gets = inflight_gets - 1 end
    failures = failures + 1
    if failures <= 5 then io.stderr:write("soak_churn: unexpected response ", status, " ", body, "\n") end
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    "SOAK churn requests=%d gets=%d frees=%d nulls=%d failures=%d server_errors=%d outstanding=%d " ..
    "inflight_gets=%d inflight_frees=%d socket_errors=%d\n",
    summary.requests, total("gets"), total("frees"), total("nulls"), total("failures"),
    total("server_errors"), total("outstanding"), total("inflight_gets"), total("inflight_frees"),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
