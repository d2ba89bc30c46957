-- wrk script: POSTs one JSON-RPC request (the file BENCH_BODY) to /mcp, spreading the requests of each
-- wrk thread round-robin over the Streamable HTTP sessions listed in BENCH_SESSIONS (a file, one id per
-- line; opened and initialized beforehand), so that no session carries more than a few requests at once.
-- With BENCH_COOKIE set instead, POSTs the body to BENCH_PATH of cmon-sim with that cookie.
-- At the end prints one JSON line: requests, duration, errors and latency percentiles (microseconds).
local counter = 0

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do
    if #line > 0 then out[#out + 1] = line end
  end
  return out
end

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

local headers = {}
local n = 0
local seq = 0
local prefix, suffix = nil, nil
local fixed = nil

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local body = f:read("*a")
  f:close()
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie then
    -- Direct CMON call (the baseline of the added latency): one logged-in cookie, no MCP.
    fixed = wrk.format("POST", os.getenv("BENCH_PATH"), {
      ["Content-Type"] = "application/json",
      ["Cookie"] = cookie,
    }, body)
    return
  end
  -- Every request gets its own JSON-RPC id (ids must not repeat within a session): the body holds
  -- "id":0, replaced per request.
  local at = assert(body:find('"id":0', 1, true), 'the body needs "id":0')
  prefix, suffix = body:sub(1, at + 4), body:sub(at + 6)
  local ids = read_lines(os.getenv("BENCH_SESSIONS"))
  local count = tonumber(os.getenv("BENCH_THREADS") or "1")
  -- Thread i takes the sessions i, i+count, i+2*count, ...
  for k = index + 1, #ids, count do
    headers[#headers + 1] = {
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json, text/event-stream",
      ["MCP-Protocol-Version"] = os.getenv("BENCH_PROTOCOL") or "2025-06-18",
      ["Mcp-Session-Id"] = ids[k],
    }
  end
  assert(#headers > 0, "no session for this thread")
end

function request()
  if fixed then return fixed end
  n = n + 1
  if n > #headers then n = 1 end
  seq = seq + 1
  return wrk.format("POST", "/mcp", headers[n], prefix .. (index * 1000000000 + seq) .. suffix)
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
