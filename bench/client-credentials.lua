-- client_credentials token requests for acme-worker (client_secret_post, form body), as a
-- machine-to-machine client sends them. Reports through bench/report.lua.
--   CLIENT_SECRET=... AUDIENCE=https://api.acme.test wrk -s bench/client-credentials.lua TOKEN-URL
dofile("bench/report.lua")

local function form_escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. form_escape(os.getenv("CLIENT_ID") or "acme-worker")
  .. "&client_secret=" .. form_escape(os.getenv("CLIENT_SECRET"))
  .. "&audience=" .. form_escape(os.getenv("AUDIENCE") or "https://api.acme.test")
