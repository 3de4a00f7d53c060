-- One wrk run of the Atom benchmark: what to send comes from the environment
-- (never the command line, where a token would show in `ps`), and the end
-- of the run prints one JSON line that bench/load.py reads.
--
--   BENCH_AUTHORIZATION  value of the Authorization header, if any
--   BENCH_COOKIE         value of the Cookie header (a console session), if any
--   BENCH_METHOD         GET (default) or POST
--   BENCH_BODY           request body (POST), sent as application/json
--   BENCH_KEY_PREFIX     if set, every request gets a unique Idempotency-Key
--                        "<prefix>-<thread>-<n>", so none is a replay
--   BENCH_TOKENS_FILE    if set, a file of Authorization values, one per line:
--                        each request carries one, picked at random, a fifth
--                        of them making four fifths of the calls (python
--                        bench/run.py --million, many companies calling)
--
-- There is deliberately no response() function: with one, wrk hands every
-- response to Lua (a table of its headers, its body as a string), which
-- costs wrk more for bigger answers. wrk shares the two cores with the
-- server, and a gunicorn sync worker waits for the client to close before
-- it takes the next connection, so that cost would show as a slower
-- endpoint. Statuses are counted from the server's access log instead.

local authorization = os.getenv("BENCH_AUTHORIZATION") or ""
local body = os.getenv("BENCH_BODY")
local key_prefix = os.getenv("BENCH_KEY_PREFIX")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
if authorization ~= "" then
   wrk.headers["Authorization"] = authorization
end
local cookie = os.getenv("BENCH_COOKIE") or ""
if cookie ~= "" then
   wrk.headers["Cookie"] = cookie
end
if body and body ~= "" then
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
end

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

local tokens_file = os.getenv("BENCH_TOKENS_FILE") or ""

if tokens_file ~= "" then
   local headers = {}
   for line in io.lines(tokens_file) do
      if line ~= "" then
         headers[#headers + 1] = line
      end
   end
   local hot = math.max(1, math.floor(#headers / 5))

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
elseif key_prefix and key_prefix ~= "" then
   local sent = 0
   -- Defined only for keyed runs: without a request() function wrk builds
   -- its request once, which is cheaper for the GET runs.
   function request()
      sent = sent + 1
      wrk.headers["Idempotency-Key"] = key_prefix .. "-" .. thread_number .. "-" .. sent
      return wrk.format()
   end
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
