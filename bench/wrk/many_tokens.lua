-- A wrk run over many companies' tokens (python bench/run.py --million):
-- each request carries the token of a company picked at random, a fifth of
-- the companies making four fifths of the calls, as real traffic is skewed.
--
--   BENCH_TOKENS_FILE  a file of Authorization header values, one per line
--                      (read here, never on the command line, where a token
--                      would show in `ps`)
--
-- The end of the run prints the same JSON line as measure.lua.

local path = os.getenv("BENCH_TOKENS_FILE")
local headers = {}
for line in io.lines(path) do
   if line ~= "" then
      headers[#headers + 1] = line
   end
end
local hot = math.max(1, math.floor(#headers / 5))

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

function init(args)
   math.randomseed(os.time() * 100 + thread_number)
end

function request()
   local index
   if math.random() < 0.8 then
      index = math.random(1, hot)
   else
      index = math.random(hot + 1, #headers)
   end
   wrk.headers["Authorization"] = headers[index]
   return wrk.format()
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
         .. '"max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
         .. '"non_2xx_3xx": %d}\n',
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
