#!/usr/bin/env bash
# The webhook outbox: how fast a backlog drains to a fast receiver, and what an idle outbox costs.
#   1. `portcullis users import` writes EVENTS users (one user.created event each, in the outbox)
#      while the server is stopped; the tenant's webhook subscribes to user.created and points at
#      bench/hello's POST /webhook (answers 204 at once).
#   2. The server starts; the time until the delivered counter reaches EVENTS gives events/s.
#   3. Idle: the server's CPU time over IDLE seconds with nothing to deliver.
#
#   bench/run-webhooks.sh     (SKIP_BUILD=1 reuses the last build; BIN_DIR=DIR takes binaries from DIR)
#
# Environment: EVENTS (20000), IDLE (10), ROUNDS (3), CONFIGURATION (release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require curl
bench_binaries portcullis portcullis-bench-hello

out="$PWD/bench/out/webhooks-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT
events=${EVENTS:-20000}
idle=${IDLE:-10}
rounds=${ROUNDS:-3}
hello_port=$(bench_free_port)
bench_start "$out/hello.log" "$bin_dir/portcullis-bench-hello" "$hello_port"
hello_pid=$BENCH_LAST_PID
bench_wait_http "http://127.0.0.1:$hello_port/hello" "$hello_pid" "$out/hello.log"

python3 - "$events" >"$out/users.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"email": f"user-{i}@bench.test", "name": f"User {i}"}))
PY

delivered() { # delivered PORT: the delivered counter, summed over webhooks
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^portcullis_webhook_deliveries_total\{.*outcome="delivered"/ { s += $2 } END { print s + 0 }'
}
cpu_ticks() { # cpu_ticks PID: user + system clock ticks so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

echo "round events seconds events_per_s idle_cpu_ms_per_s"
for round in $(seq "$rounds"); do
  dir="$out/round-$round"
  mkdir -p "$dir"
  port=$(bench_free_port)
  bench_copy_config "$dir/config" "$port"
  python3 - "$dir/config/tenants/acme.yaml" "$hello_port" <<'PY'
import re, sys
path, port = sys.argv[1], sys.argv[2]
text = open(path).read()
text = text.replace("url: http://127.0.0.1:8089/webhook", f"url: http://127.0.0.1:{port}/webhook")
text = text.replace("events: [user.created, user.login, user.login_failed, user.deleted]", "events: [user.created]")
text = text.replace("    timeout: 5s\n    enabled: false", "    timeout: 5s\n    enabled: true")
open(path, "w").write(text)
PY
  "$bin_dir/portcullis" users import --config "$dir/config" --secrets secrets.example.yaml --database "$dir/db.sqlite" \
    --tenant acme "$out/users.jsonl" >"$dir/import.log" 2>&1 || bench_die "import failed: $(tail -3 "$dir/import.log")"
  started=$(python3 -c 'import time; print(time.monotonic())')
  bench_start "$dir/portcullis.log" "$bin_dir/portcullis" serve --config "$dir/config" \
    --secrets secrets.example.yaml --listen "127.0.0.1:$port" --database "$dir/db.sqlite"
  pid=$BENCH_LAST_PID
  bench_wait_http "http://127.0.0.1:$port/healthz" "$pid" "$dir/portcullis.log"
  until [[ $(delivered "$port") -ge $events ]]; do
    kill -0 "$pid" 2>/dev/null || bench_die "the server exited (log: $dir/portcullis.log)"
    sleep 0.05
  done
  seconds=$(python3 -c "import time; print(f'{time.monotonic() - $started:.2f}')")
  # Idle: nothing left to deliver; the worker should sleep until an event or its 15 s idle check.
  sleep 1
  before=$(cpu_ticks "$pid")
  sleep "$idle"
  after=$(cpu_ticks "$pid")
  ticks=$(getconf CLK_TCK)
  idle_ms=$(python3 -c "print(f'{($after - $before) * 1000 / $ticks / $idle:.1f}')")
  rate=$(python3 -c "print(int($events / $seconds))")
  echo "$round $events $seconds $rate $idle_ms"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
done
echo "(seconds include the server's start-up; results in $out)"
