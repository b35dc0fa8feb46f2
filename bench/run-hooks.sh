#!/usr/bin/env bash
# What a post_login hook adds to a login, beyond the hook endpoint's own time.
#   Two servers on the example config, side by side: one with acme's post_login hook enabled and
#   pointed at bench/hello's POST /webhook (an empty 204 at once: allow, change nothing), one with it
#   disabled. bench/oauth-flow.py logs in once on each, then times single-sign-on GET /authorize
#   requests (302 with a code) alternating between the two, request by request. The difference
#   of the medians is the hook's cost: payload, signature, the loopback round trip, the answer.
#   The endpoint's own time is measured alone with curl (its median time to first byte).
#
#   bench/run-hooks.sh     (SKIP_BUILD=1 reuses the last build; BIN_DIR=DIR takes binaries from DIR)
#
# Environment: ITERATIONS (2000), ROUNDS (3), CONFIGURATION (release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require curl
bench_binaries portcullis portcullis-bench-hello

out="$PWD/bench/out/hooks-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT
hello_port=$(bench_free_port)
bench_start "$out/hello.log" "$bin_dir/portcullis-bench-hello" "$hello_port"
hello_pid=$BENCH_LAST_PID
bench_wait_http "http://127.0.0.1:$hello_port/hello" "$hello_pid" "$out/hello.log"

web_secret=$(bench_secret acme-web-client-secret)
[[ -n $web_secret ]] || bench_die "acme-web's secret not found in secrets.example.yaml"
email=bench@example.com
password=a-benchmark-passphrase

declare -A port base
for mode in without with; do
  port[$mode]=$(bench_free_port)
  dir="$out/$mode"
  mkdir -p "$dir"
  bench_copy_config "$dir/config" "${port[$mode]}"
  python3 - "$dir/config/tenants/acme.yaml" "$hello_port" "$mode" <<'PY'
import sys
path, hello, mode = sys.argv[1:]
text = open(path).read()
old = "    url: http://127.0.0.1:8089/hooks/post-login\n    secret: acme-hook-secret\n    timeout: 2s\n    on_failure: continue\n    enabled: false\n"
assert old in text, "acme.yaml's example hook changed: update bench/run-hooks.sh"
enabled = "true" if mode == "with" else "false"
text = text.replace(old, f"    url: http://127.0.0.1:{hello}/webhook\n    secret: acme-hook-secret\n    timeout: 2s\n"
                         f"    on_failure: deny\n    enabled: {enabled}\n")
open(path, "w").write(text)
PY
  "$bin_dir/portcullis" check-config --config "$dir/config" --secrets secrets.example.yaml >"$dir/check.txt" 2>&1 ||
    bench_die "the $mode configuration is invalid: $(cat "$dir/check.txt")"
  echo "$password" | "$bin_dir/portcullis" users create --config "$dir/config" --secrets secrets.example.yaml \
    --database "$dir/db.sqlite" --tenant acme --email "$email" --name "Bench User" --verified --password-stdin >/dev/null
  bench_start "$dir/portcullis.log" "$bin_dir/portcullis" serve --config "$dir/config" \
    --secrets secrets.example.yaml --listen "127.0.0.1:${port[$mode]}" --database "$dir/db.sqlite"
  bench_wait_http "http://127.0.0.1:${port[$mode]}/healthz" "$BENCH_LAST_PID" "$dir/portcullis.log"
  base[$mode]="http://127.0.0.1:${port[$mode]}/acme"
done

endpoint_ms=$(for _ in $(seq 200); do
  curl -s -o /dev/null -w '%{time_starttransfer}\n' -X POST -H 'Content-Type: application/json' --data '{}' \
    "http://127.0.0.1:$hello_port/webhook"
done | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] * 1000 }')

echo "round without_p50_ms with_p50_ms with_p99_ms added_p50_ms added_mean_ms"
for round in $(seq "${ROUNDS:-3}"); do
  result=$(python3 bench/oauth-flow.py sso --base "${base[without]}" --base "${base[with]}" --email "$email" \
    --password "$password" --client-secret "$web_secret" --iterations "${ITERATIONS:-2000}")
  echo "$result" >"$out/round-$round.txt"
  without=$(grep 'server=1 ' <<<"$result")
  with=$(grep 'server=2 ' <<<"$result")
  difference=$(grep 'difference_' <<<"$result")
  echo "$round $(bench_field "$without" p50_ms) $(bench_field "$with" p50_ms) $(bench_field "$with" p99_ms)" \
       "$(bench_field "$difference" difference_p50_ms) $(bench_field "$difference" difference_mean_ms)"
done
echo "hook endpoint alone (curl, new connection each, median time to first byte): $endpoint_ms ms"
echo "(results in $out)"
