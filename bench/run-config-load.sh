#!/usr/bin/env bash
# Configuration at scale: validating, starting with and reloading a large configuration.
#
#   bench/run-config-load.sh
#
# 1. Generates TENANTS x CLIENTS (1000 x 10) with bench/gen-config.py.
# 2. Times `portcullis check-config` on it (hyperfine if installed, else 5 timed runs).
# 3. Serves it, measures startup time (until /healthz answers) and idle RSS.
# 4. Reload under load: wrk on one tenant's discovery document while a SIGHUP is sent every
#    HUP_INTERVAL seconds; reports non-2xx responses, socket errors and the reload counters.
#
# Environment: TENANTS (1000), CLIENTS (10), WRK_DURATION (20s), HUP_INTERVAL (0.5),
#              SKIP_BUILD=1 to reuse the last build, CONFIGURATION=debug to check the script quickly,
#              BIN_DIR=DIR to use the binary in DIR (no build).
# Output: a summary on stdout; everything else in bench/out/config-load-TIMESTAMP/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Numbers are only meaningful from release builds; CONFIGURATION=debug is for checking the script.
configuration=${CONFIGURATION:-release}

tenants=${TENANTS:-1000}
clients=${CLIENTS:-10}
hup_interval=${HUP_INTERVAL:-0.5}
export WRK_DURATION=${WRK_DURATION:-20s}

bench_require wrk
bench_require curl
bench_require openssl

if [[ -n ${BIN_DIR:-} ]]; then
  bin=$BIN_DIR/portcullis
else
  if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    swift build -c "$configuration" --product portcullis
  fi
  bin=$(swift build -c "$configuration" --show-bin-path | tail -n 1)/portcullis
fi
[[ -x $bin ]] || bench_die "$bin missing (run without SKIP_BUILD=1)"

out="bench/out/config-load-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT

port=$(bench_free_port)
config="$out/config"
python3 bench/gen-config.py --tenants "$tenants" --clients "$clients" \
  --base-url "http://127.0.0.1:$port" "$config"
# Per-request logging off, as in the other benchmarks.
sed -i 's/^\(  level:\) info$/\1 warning/' "$config/portcullis.yaml"
check=("$bin" check-config --config "$config" --secrets "$config/secrets.yaml")

# The generated config must be valid, or every number below is meaningless.
"${check[@]}" >"$out/check-config.txt" 2>&1 ||
  bench_die "generated config is invalid: $(head -n 20 "$out/check-config.txt")"

echo "== check-config on ${tenants} tenants x ${clients} clients"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 1 --runs 5 --export-json "$out/check-config-hyperfine.json" \
    "$(printf '%q ' "${check[@]}")"
else
  # bash's `time` keyword: wall, user and system seconds per run.
  TIMEFORMAT='  %R s wall, %U s user, %S s sys'
  for run in 1 2 3 4 5; do
    printf 'run %d:' "$run"
    time "${check[@]}" >/dev/null 2>&1
  done
fi

echo
echo "== serve: startup and memory"
started_ns=$(date +%s%N)
bench_start "$out/portcullis.log" "$bin" serve --config "$config" --secrets "$config/secrets.yaml" \
  --listen "127.0.0.1:$port" --database "$out/db.sqlite"
pid=$BENCH_LAST_PID
base="http://127.0.0.1:$port"
bench_wait_http "$base/healthz" "$pid" "$out/portcullis.log" 120
startup_ms=$((($(date +%s%N) - started_ns) / 1000000))
sleep 1
printf 'startup until /healthz  %6d ms\n' "$startup_ms"
printf 'idle RSS                %6d KiB\n' "$(bench_rss_kb "$pid")"

metric() { # metric NAME: the value of an unlabelled metric, 0 if absent
  curl -fsS "$base/metrics" | awk -v name="$1" '$1 == name { print $2; found = 1 } END { if (!found) print 0 }'
}

echo
echo "== reload under load: wrk ${WRK_DURATION} on discovery, SIGHUP every ${hup_interval}s"
url="$base/t0001/.well-known/openid-configuration"
curl -fsS -o /dev/null "$url" || bench_die "$url does not answer 200"
generation_before=$(metric portcullis_config_generation)
failures_before=$(metric portcullis_config_reload_failures_total)

# The HUP loop is bounded by the wrk duration plus a margin, and stops with wrk.
duration_s=${WRK_DURATION%s}
max_hups=$(awk -v d="$duration_s" -v i="$hup_interval" 'BEGIN { print int(d / i) }')
(
  for _ in $(seq "$max_hups"); do
    sleep "$hup_interval"
    kill -HUP "$pid" 2>/dev/null || exit 0
  done
) &
hup_loop=$!
BENCH_PIDS+=("$hup_loop")

result=$(bench_wrk "$out/wrk-reload.txt" "$url")
wait "$hup_loop" 2>/dev/null || true
sleep 1 # let the last reload finish before reading the counters

generation_after=$(metric portcullis_config_generation)
failures_after=$(metric portcullis_config_reload_failures_total)
echo "$result" >"$out/results.txt"
printf 'requests                %s\n' "$(bench_field "$result" requests)"
printf 'req/s                   %s\n' "$(bench_field "$result" rps)"
printf 'p50 / p99 / max         %s / %s / %s ms\n' "$(bench_field "$result" p50_ms)" \
  "$(bench_field "$result" p99_ms)" "$(bench_field "$result" max_ms)"
printf 'non-2xx responses       %s\n' "$(bench_field "$result" non2xx)"
printf 'socket errors           connect %s, read %s, write %s, timeout %s\n' \
  "$(bench_field "$result" connect_errors)" "$(bench_field "$result" read_errors)" \
  "$(bench_field "$result" write_errors)" "$(bench_field "$result" timeouts)"
printf 'SIGHUPs sent            %s\n' "$max_hups"
printf 'reloads completed       %s (generation %s -> %s)\n' \
  "$(awk -v a="$generation_after" -v b="$generation_before" 'BEGIN { print a - b }')" \
  "$generation_before" "$generation_after"
printf 'failed reloads          %s\n' "$(awk -v a="$failures_after" -v b="$failures_before" 'BEGIN { print a - b }')"
printf 'peak RSS                %6d KiB\n' "$(bench_rss_kb "$pid" VmHWM)"
echo "details: $out"
