#!/usr/bin/env bash
# Management API reads on a tenant with 100,000 users (imported with `portcullis users import`):
#   1. GET /users/{id} against the bare Hummingbird route (bench/hello), alternating, same run;
#   2. GET /users?q=email:"…" (a different user each request) and GET /users?per_page=50&page=N
#      (N random in Auth0's window of 1000 results) at 16 connections: p99 against the 20 ms target.
#
#   bench/run-management.sh     (SKIP_BUILD=1 reuses the last build; BIN_DIR=DIR takes binaries from DIR)
#
# Environment: USERS (100000), WRK_DURATION (6s), WRK_THREADS (2), ROUNDS (5), CONFIGURATION (release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require wrk
bench_require curl
bench_binaries portcullis portcullis-bench-hello

out="$PWD/bench/out/management-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT
users=${USERS:-100000}
port=$(bench_free_port)
hello_port=$(bench_free_port)
bench_copy_config "$out/config" "$port"

# The users, as the import format takes them (no passwords: reads are what is measured).
python3 - "$users" >"$out/users.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"email": f"user-{i}@bench.test", "email_verified": i % 2 == 0, "name": f"User {i}",
                      "app_metadata": {"plan": "gold" if i % 10 == 0 else "free"}}))
PY
started=$(date +%s)
"$bin_dir/portcullis" users import --config "$out/config" --secrets secrets.example.yaml --database "$out/db.sqlite" \
  --tenant acme "$out/users.jsonl" 2>"$out/import.log" || bench_die "import failed: $(tail -3 "$out/import.log")"
echo "imported $users users in $(( $(date +%s) - started )) s"

bench_start "$out/portcullis.log" "$bin_dir/portcullis" serve --config "$out/config" \
  --secrets secrets.example.yaml --listen "127.0.0.1:$port" --database "$out/db.sqlite"
portcullis_pid=$BENCH_LAST_PID
bench_start "$out/hello.log" "$bin_dir/portcullis-bench-hello" "$hello_port"
hello_pid=$BENCH_LAST_PID
bench_wait_http "http://127.0.0.1:$port/healthz" "$portcullis_pid" "$out/portcullis.log"
bench_wait_http "http://127.0.0.1:$hello_port/hello" "$hello_pid" "$out/hello.log"

api="http://127.0.0.1:$port/acme/api/v2"
token=$(curl -s "http://127.0.0.1:$port/acme/oauth/token" -d grant_type=client_credentials -d client_id=acme-admin \
  -d client_secret=acme-admin-dev-secret --data-urlencode "audience=$api/" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
user_id=$(curl -s -H "Authorization: Bearer $token" "$api/users?q=email%3A%22user-4242%40bench.test%22&fields=user_id" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["user_id"])')
user_path="$api/users/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$user_id")"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$user_path")
[[ $status == 200 ]] || bench_die "GET /users/{id} answered $status"

export WRK_DURATION=${WRK_DURATION:-6s}
rounds=${ROUNDS:-5}
run() { # run NAME ROUND URL [wrk args...]
  local name=$1 round=$2
  shift 2
  [[ $round == 1 ]] && WRK_DURATION=3s bench_wrk "$out/wrk-$name-warmup.txt" "$@" >/dev/null
  echo "$name $round $(bench_wrk "$out/wrk-$name-$round.txt" "$@")" >>"$out/results.txt"
}
for round in $(seq "$rounds"); do
  run hello "$round" "http://127.0.0.1:$hello_port/hello"
  run get-user "$round" "$user_path" -H "Authorization: Bearer $token"
  MODE=search USERS=$users TOKEN=$token WRK_CONNECTIONS=16 run search "$round" "$api/users" -s bench/management-random.lua
  MODE=page TOKEN=$token WRK_CONNECTIONS=16 run page "$round" "$api/users" -s bench/management-random.lua
done

python3 - "$out/results.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, round_, _, *fields = line.split()
    runs.setdefault(name, []).append(dict(field.split("=", 1) for field in fields))
def median(name, key):
    return statistics.median(float(v[key]) for v in runs[name])
for name in ("hello", "get-user", "search", "page"):
    non2xx = sum(int(v["non2xx"]) for v in runs[name])
    print(f"{name:<10} {median(name, 'rps'):10.1f} req/s   p50 {median(name, 'p50_ms'):7.3f} ms   "
          f"p99 {median(name, 'p99_ms'):7.3f} ms   non-2xx {non2xx}")
ratios = [float(g["rps"]) / float(h["rps"]) for g, h in zip(runs["get-user"], runs["hello"])]
print(f"get-user/hello  {statistics.median(ratios):.2f}  (target >= 0.5; rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
for name in ("search", "page"):
    print(f"{name} p99 at 16 connections  {median(name, 'p99_ms'):.2f} ms  (target <= 20 ms)")
PY
echo "details: $out"
