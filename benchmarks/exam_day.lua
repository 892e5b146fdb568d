-- wrk script for benchmarks/exam_day_bench.py: one exam-day request kind per timed run.
--
--   wrk -t2 -c64 -d15s --timeout 30s -s benchmarks/exam_day.lua http://127.0.0.1:PORT \
--       -- kind=autosave seats=FILE path=/ru/tests/attempt/{attempt}/save/ host=127.0.0.1:PORT
--
-- kind   ceiling | sitting | autosave | paper | result (repeatable requests; starting and
--        handing in happen once per candidate and are loaded from Python instead)
-- seats  one line per candidate: attempt id, sitting id, Cookie header, CSRF token (tabs)
-- path   the URL with {attempt} / {sitting} in it (reversed from the URL conf by the caller)
-- rows   ceiling only: request a random row id from 1 to rows
--
-- Every request takes a random seat. Each response is checked (status, and a mark in the
-- body); done() prints one line "EXAM_DAY_RESULT {json}" with the counts and wrk's latency
-- percentiles.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_usec; } exam_day_timeval;
int gettimeofday(exam_day_timeval *tv, void *tz);
]])
local timeval = ffi.new("exam_day_timeval")

local function now_ms()
  ffi.C.gettimeofday(timeval, nil)
  return tonumber(timeval.tv_sec) * 1000 + tonumber(timeval.tv_usec) / 1000
end

-- Main state: one handle per thread, to add up the counters in done().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

-- Thread state ---------------------------------------------------------------------------
local opt = {}
local seats = {}
local labels = {}
local last_changed = 0
local base_headers = {}

-- Counters read by done() through thread:get.
completed, ok, bad_status, bad_body, saved = 0, 0, 0, 0, 0
s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0
bad_sample = ""

local function fields_of(line)
  local out, from = {}, 1
  while true do
    local at = string.find(line, "\t", from, true)
    if not at then
      out[#out + 1] = string.sub(line, from)
      return out
    end
    out[#out + 1] = string.sub(line, from, at - 1)
    from = at + 1
  end
end

local function path_of(seat)
  local path = string.gsub(opt.path, "{attempt}", seat.attempt)
  return (string.gsub(path, "{sitting}", seat.sitting))
end

local function headers_for(seat, form)
  local headers = {}
  for name, value in pairs(base_headers) do
    headers[name] = value
  end
  if seat.cookie then
    headers["Cookie"] = seat.cookie
    headers["X-CSRFToken"] = seat.csrf
  end
  if form then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return headers
end

local build = {}

function build.ceiling()
  local body = "id=" .. math.random(opt.rows)
  return wrk.format("POST", opt.path, headers_for({}, true), body)
end

function build.sitting(seat)
  return wrk.format("GET", path_of(seat), headers_for(seat, false))
end

build.paper = build.sitting
build.result = build.sitting

function build.autosave(seat)
  -- The page stamps a change with the server's clock; a later change of an item must
  -- carry a later time, so the stamp never goes back within a thread.
  local changed = math.floor(now_ms())
  if changed <= last_changed then
    changed = last_changed + 1
  end
  last_changed = changed
  local body = "position=" .. math.random(opt.items) .. "&answer=%22" ..
    labels[math.random(#labels)] .. "%22&changed_at=" .. changed
  return wrk.format("POST", path_of(seat), headers_for(seat, true), body)
end

-- The expected answer per kind: the status, and a check of the body.
local function count_plain(text, mark)
  local n, from = 0, 1
  while true do
    local at = string.find(text, mark, from, true)
    if not at then
      return n
    end
    n = n + 1
    from = at + #mark
  end
end

local expect = {
  ceiling = { 200, function(body) return string.find(body, '"ok"%s*:%s*true') end },
  sitting = { 200, function() return true end },
  autosave = { 200, function(body)
    if string.find(body, '"saved"%s*:%s*true') then
      saved = saved + 1
    end
    return string.find(body, '"ok"%s*:%s*true')
  end },
  paper = { 200, function(body) return count_plain(body, 'class="tc-item"') == opt.items end },
  result = { 200, function(body)
    return string.find(body, 'data-testid="result-verdict"', 1, true)
  end },
}

function init(args)
  for i = 1, #args do
    local key, value = string.match(args[i], "^([%w_]+)=(.*)$")
    if key then
      opt[key] = value
    end
  end
  opt.items = tonumber(opt.items or "55")
  opt.rows = tonumber(opt.rows or "1")
  math.randomseed(math.floor(now_ms() * 1000) % 2147483647 + (thread_index or 1) * 7919)
  for letter in string.gmatch(opt.labels or "abcd", ".") do
    labels[#labels + 1] = letter
  end
  -- As behind the production proxy: TLS ended there, the browser's Origin sent on.
  base_headers["Host"] = opt.host
  base_headers["X-Forwarded-Proto"] = "https"
  base_headers["Origin"] = "https://" .. opt.host
  if opt.seats then
    for line in io.lines(opt.seats) do
      local f = fields_of(line)
      seats[#seats + 1] = { attempt = f[1], sitting = f[2], cookie = f[3], csrf = f[4] }
    end
  end
end

function request()
  return build[opt.kind](seats[math.random(math.max(1, #seats))])
end

function response(status, headers, body)
  completed = completed + 1
  if status < 300 then
    s2xx = s2xx + 1
  elseif status < 400 then
    s3xx = s3xx + 1
  elseif status < 500 then
    s4xx = s4xx + 1
  else
    s5xx = s5xx + 1
  end
  local wanted = expect[opt.kind]
  local good = false
  if status ~= wanted[1] then
    bad_status = bad_status + 1
  elseif not wanted[2](body) then
    bad_body = bad_body + 1
  else
    ok = ok + 1
    good = true
  end
  if not good and bad_sample == "" then
    bad_sample = status .. " " .. (headers["Location"] or "") .. " " .. string.sub(body, 1, 300)
  end
end

-- Main state -----------------------------------------------------------------------------
local function json_string(text)
  text = string.gsub(text, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. text .. '"'
end

function done(summary, latency, requests)
  local totals = {
    completed = 0, ok = 0, bad_status = 0, bad_body = 0, saved = 0,
    s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0,
  }
  local sample = ""
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    if sample == "" then
      sample = thread:get("bad_sample")
    end
  end
  local fields = {}
  for name, value in pairs(totals) do
    fields[#fields + 1] = string.format('"%s": %d', name, value)
  end
  local e = summary.errors
  fields[#fields + 1] = string.format(
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}',
    e.connect, e.read, e.write, e.timeout)
  fields[#fields + 1] = string.format('"duration_s": %.3f', summary.duration / 1e6)
  for _, p in ipairs({ 50, 90, 95, 99 }) do
    fields[#fields + 1] = string.format('"p%d_ms": %.2f', p, latency:percentile(p) / 1000)
  end
  fields[#fields + 1] = string.format('"mean_ms": %.2f', latency.mean / 1000)
  fields[#fields + 1] = string.format('"max_ms": %.2f', latency.max / 1000)
  fields[#fields + 1] = '"bad_sample": ' .. json_string(sample)
  io.write("EXAM_DAY_RESULT {" .. table.concat(fields, ", ") .. "}\n")
end
