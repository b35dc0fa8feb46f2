-- refresh_token grant with rotation: every request spends a refresh token and the response's new
-- refresh token is spent by a later request, so no token is ever sent twice (a reused token would
-- revoke its family). Each wrk thread takes its share of the starting tokens from TOKENS_FILE (one
-- per line, one per connection at least) into a pool: request() takes a token from the pool,
-- response() puts the successor back. A failed response loses its token; a request finding the
-- pool empty sends an unusable token and is counted as non-2xx. Give it one token per connection
-- plus one per thread: wrk 4.1 calls request() once on the first thread's state before any
-- connection opens (to check the script), which takes a token that is never sent.
--   TOKENS_FILE=... THREADS=2 BASIC_AUTH=base64(id:secret) wrk -t2 -c64 -s bench/refresh.lua TOKEN-URL
dofile("bench/report.lua")

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local pool = {}

local function form_escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  local threads = tonumber(os.getenv("THREADS") or "1")
  local index = 0
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    if line ~= "" then
      if index % threads == thread_id then pool[#pool + 1] = line end
      index = index + 1
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC_AUTH")
end

function request()
  local token = table.remove(pool)
  if token == nil then token = "pool-empty" end
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. form_escape(token))
end

-- SHOW_FAILURES=N prints the first N failed responses of each thread (status and body).
local show_failures = tonumber(os.getenv("SHOW_FAILURES") or "0")

function response(status, headers, body)
  if status == 200 then
    local successor = body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if successor then pool[#pool + 1] = successor:gsub("\\/", "/") end
  elseif show_failures > 0 then
    show_failures = show_failures - 1
    io.stderr:write("refresh failed: " .. status .. " " .. body .. "\n")
  end
end
