-- Management API reads with a different user or page per request, as an admin tool browsing or
-- searching sends them. Reports through bench/report.lua.
--   MODE=search USERS=100000 TOKEN=... wrk -s bench/management-random.lua {issuer}/api/v2/users
--   MODE=page   TOKEN=...               wrk -s bench/management-random.lua {issuer}/api/v2/users
dofile("bench/report.lua")

local mode = os.getenv("MODE") or "search"
local users = tonumber(os.getenv("USERS") or "100000")
local token = os.getenv("TOKEN")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

request = function()
  local path
  if mode == "search" then
    -- q=email:"user-N@bench.test", percent-encoded.
    path = wrk.path .. "?q=email%3A%22user-" .. math.random(0, users - 1) .. "%40bench.test%22"
  else
    -- Auth0's window: pages 0..19 of 50.
    path = wrk.path .. "?per_page=50&page=" .. math.random(0, 19)
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
