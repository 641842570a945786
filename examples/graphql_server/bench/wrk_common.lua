-- Shared by the wrk scripts here, each of which loads it first. wrk runs every thread in a Lua
-- state of its own, whose globals are that thread's counters, and setup() and done() in the main
-- state: setup() keeps the threads, so that done() can sum a counter over them with total(name).
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function total(name)
  local sum = 0
  for _, thread in ipairs(threads) do
    sum = sum + (thread:get(name) or 0)
  end
  return sum
end

function each_thread()
  return ipairs(threads)
end

-- The ids a churn thread was given, freed once each, oldest first. Per thread, not per
-- connection: a thread's connections interleave, so a single "pending id" would be overwritten
-- by another connection's answer and its id never freed.
local queue, head, tail = {}, 1, 0

function queue_push(id)
  tail = tail + 1
  queue[tail] = id
end

function queue_pop()
  if tail < head then
    return nil
  end
  local id = queue[head]
  queue[head] = nil
  head = head + 1
  return id
end
