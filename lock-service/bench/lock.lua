-- wrk script: acquire+release loops on the lock service (through the gateway or straight at a node).
-- Run with as many threads as connections (-t N -c N): each thread then has one connection and loops
-- acquire -> release on its own lock (LOCK_MODE=distinct) or on one shared lock (LOCK_MODE=contended).
-- One op = acquire + release; done() prints ops/s and the op latency's p50/p99 (ms), measured here.
-- A run that ends leaves some locks held until their 5 s leases run out. A later run with the same LOCK_TAG
-- (same names and owners) is told "already-held" (409); it then reads the lock's fencing token (GET) and
-- releases its own leftover hold instead of asking again and again. Those are counted as "reclaimed", not ops.
-- Contended runs leave more behind: the acquires still queued when wrk stopped are granted one after another,
-- each for a full lease, to clients that are gone. Give every run its own LOCK_TAG (scripts/lock-bench.sh does).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clk_id, timespec *tp);
]]
local ts = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local mode = os.getenv("LOCK_MODE") or "distinct"
  local tag = os.getenv("LOCK_TAG") or "wrk"
  lock = (mode == "contended") and (tag .. "-shared") or (tag .. "-" .. id)
  owner = "w" .. id
  token, started, reclaiming, looking = nil, nil, false, false
  ops, errors, refused, reclaimed, lat = 0, 0, 0, 0, {}
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  if looking then
    return wrk.format("GET", "/api/locks/" .. lock)
  end
  if token == nil then
    started = now_ms()
    return wrk.format("POST", "/api/locks/" .. lock .. "/acquire", headers,
      '{"owner":"' .. owner .. '","leaseMs":5000,"waitMs":10000}')
  end
  return wrk.format("POST", "/api/locks/" .. lock .. "/release", headers,
    '{"owner":"' .. owner .. '","fencingToken":' .. token .. '}')
end

function response(status, hdrs, body)
  if looking then
    looking = false
    if status == 200 and string.find(body, '"holder":"' .. owner .. '"', 1, true) then
      token = string.match(body, '"fencingToken":(%d+)')
      reclaiming = token ~= nil
    end
    return
  end
  if token == nil then
    if status == 200 then token = string.match(body, '"fencingToken":(%d+)')
    elseif status == 409 then
      refused = refused + 1
      looking = string.find(body, "already-held", 1, true) ~= nil
    else errors = errors + 1 end
    return
  end
  if reclaiming then
    reclaiming = false
    if status == 200 then reclaimed = reclaimed + 1 else errors = errors + 1 end
  elseif status == 200 then
    ops = ops + 1
    if #lat < 200000 then lat[#lat + 1] = now_ms() - started end
  else
    errors = errors + 1
  end
  token = nil
end

function done(summary, latency, requests)
  local o, e, r, rc, all = 0, 0, 0, 0, {}
  for _, t in ipairs(threads) do
    o, e, r, rc = o + t:get("ops"), e + t:get("errors"), r + t:get("refused"), rc + t:get("reclaimed")
    for _, v in ipairs(t:get("lat")) do all[#all + 1] = v end
  end
  table.sort(all)
  local function pct(p) return #all == 0 and 0 or all[math.max(1, math.ceil(p * #all))] end
  io.write(string.format("RESULT ops/s %.1f p50 %.2f p99 %.2f ops %d errors %d refused %d reclaimed %d\n",
    o / (summary.duration / 1e6), pct(0.50), pct(0.99), o, e, r, rc))
end
