-- wrk, scripts/soak.sh: clients that only get, from pool SOAK_HOARD_POOL (default "hoard"),
-- never freeing; every id received is recorded and done() checks that no id came twice across
-- all threads. The pool runs dry during the run, after which getObject answers null.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local pool = os.getenv("SOAK_HOARD_POOL") or "hoard"
local body = string.format('{"query":"mutation { getObject(pool: \\"%s\\") }"}', pool)
local headers = {["Content-Type"] = "application/json"}

gets, nulls, failures, server_errors, inflight = 0, 0, 0, 0, 0
ids = {}  -- global: done() copies it out of each thread with thread:get

function request()
  inflight = inflight + 1
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, headers, response_body)
  inflight = inflight - 1
  if status >= 500 then server_errors = server_errors + 1 end
  local id = response_body:match('"getObject":(%d+)')
  if id then
    gets = gets + 1
    ids[#ids + 1] = id
  elseif response_body:find('"getObject":null', 1, true) then
    nulls = nulls + 1
  else
    failures = failures + 1
    if failures <= 5 then io.stderr:write("soak_hoard: unexpected response ", status, " ", response_body, "\n") end
  end
end

function done(summary, latency, requests)
  local seen, distinct, duplicates = {}, 0, 0
  for _, thread in each_thread() do
    for _, id in ipairs(thread:get("ids") or {}) do
      if seen[id] then duplicates = duplicates + 1 else seen[id] = true; distinct = distinct + 1 end
    end
  end
  io.write(string.format(
    "SOAK hoard requests=%d gets=%d distinct=%d duplicates=%d nulls=%d failures=%d server_errors=%d inflight=%d\n",
    summary.requests, total("gets"), distinct, duplicates, total("nulls"), total("failures"),
    total("server_errors"), total("inflight")))
end
