#!/usr/bin/env bash
# Password login cost: argon2id hash time alone, GET of the login page, and full login POSTs
# (CSRF check, lookup, lockout state, hash verification, session creation) — latency at one
# connection and throughput at one connection per core.
#
#   bench/run-login.sh            (SKIP_BUILD=1 reuses the last release build; BIN_DIR=DIR takes binaries from DIR)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

bench_require wrk
bench_require curl
bench_binaries portcullis portcullis-bench-hash
cores=$(nproc)

out="bench/out/login-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT
port=$(bench_free_port)
bench_copy_config "$out/config" "$port"
# The default per-address limits (60 at once, then 120 a minute) are meant to stop guessing; a
# throughput test from one address needs them out of the way.
python3 - "$out/config/tenants/acme.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace("    lockout:\n", "    rate_limits:\n      login: {burst: 1000000, per_minute: 10000000}\n    lockout:\n", 1)
open(path, "w").write(text)
PY

email=bench@example.com
password=a-benchmark-passphrase
echo "$password" | "$bin_dir/portcullis" users create --config "$out/config" --secrets secrets.example.yaml \
  --database "$out/db.sqlite" --tenant acme --email "$email" --password-stdin >/dev/null

bench_start "$out/server.log" "$bin_dir/portcullis" serve --config "$out/config" \
  --secrets secrets.example.yaml --listen "127.0.0.1:$port" --database "$out/db.sqlite"
bench_wait_http "http://127.0.0.1:$port/healthz" "$BENCH_LAST_PID" "$out/server.log"

hash_result=$("$bin_dir/portcullis-bench-hash" 100)
hash_ms=$(bench_field "$hash_result" median_ms)
token="$(date +%s).benchmarktokenbenchmarktokenbenchmark00"
login_url="http://127.0.0.1:$port/acme/u/login"

page=$(WRK_THREADS=1 WRK_CONNECTIONS=1 WRK_DURATION=5s bench_wrk "$out/get.txt" "$login_url")
single=$(TOKEN=$token EMAIL=$email PASSWORD=$password WRK_THREADS=1 WRK_CONNECTIONS=1 WRK_DURATION=10s \
  bench_wrk "$out/post-1.txt" "$login_url" -s bench/login.lua)
parallel=$(TOKEN=$token EMAIL=$email PASSWORD=$password WRK_THREADS=1 WRK_CONNECTIONS=$cores WRK_DURATION=10s \
  bench_wrk "$out/post-n.txt" "$login_url" -s bench/login.lua)
# Twice as many connections as cores keeps a login queued for each hashing thread, so the threads
# never wait for the HTTP and database part of the next login: the sustained throughput.
saturated=$(TOKEN=$token EMAIL=$email PASSWORD=$password WRK_THREADS=1 WRK_CONNECTIONS=$((2 * cores)) WRK_DURATION=10s \
  bench_wrk "$out/post-2n.txt" "$login_url" -s bench/login.lua)

post_p50=$(bench_field "$single" p50_ms)
rps=$(bench_field "$parallel" rps)
printf 'argon2id hash (m=19456 KiB, t=2, p=1)  median %s ms   (%s)\n' "$hash_ms" "$hash_result"
printf 'GET  /u/login      p50 %s ms   p99 %s ms\n' "$(bench_field "$page" p50_ms)" "$(bench_field "$page" p99_ms)"
printf 'POST /u/login  c=1 p50 %s ms   p99 %s ms   non-2xx %s\n' "$post_p50" "$(bench_field "$single" p99_ms)" \
  "$(bench_field "$single" non2xx)"
printf 'login overhead on top of the hash  %.2f ms  (GET p50 + POST p50 - hash)\n' \
  "$(python3 -c "print($(bench_field "$page" p50_ms) + $post_p50 - $hash_ms)")"
printf 'POST /u/login  c=%s  %s logins/s   non-2xx %s   ceiling cores/hash = %.1f/s   ratio %.2f\n' "$cores" "$rps" \
  "$(bench_field "$parallel" non2xx)" "$(python3 -c "print($cores * 1000 / $hash_ms)")" \
  "$(python3 -c "print($rps / ($cores * 1000 / $hash_ms))")"
printf 'POST /u/login  c=%s  %s logins/s   non-2xx %s   ratio %.2f   p99 %s ms\n' "$((2 * cores))" \
  "$(bench_field "$saturated" rps)" "$(bench_field "$saturated" non2xx)" \
  "$(python3 -c "print($(bench_field "$saturated" rps) / ($cores * 1000 / $hash_ms))")" "$(bench_field "$saturated" p99_ms)"
echo "details: $out"
