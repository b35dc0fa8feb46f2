-- Posts the login form with a fixed CSRF token (the cookie and the field carry the same value, as
-- a browser's would) for the user run-login.sh created. Reports through bench/report.lua.
--   TOKEN=... EMAIL=... PASSWORD=... wrk -s bench/login.lua URL
dofile("bench/report.lua")
local token = os.getenv("TOKEN")
local email = os.getenv("EMAIL")
local password = os.getenv("PASSWORD")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "portcullis_csrf=" .. token
wrk.body = "csrf_token=" .. token .. "&username=" .. email .. "&password=" .. password
