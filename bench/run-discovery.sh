#!/usr/bin/env bash
# Discovery and JWKS throughput against a bare Hummingbird baseline, plus idle memory.
#
#   bench/run-discovery.sh
#
# Builds release, starts portcullis (example config) and portcullis-bench-hello on free loopback
# ports, runs wrk against /hello, acme's discovery document and acme's JWKS, and prints req/s,
# latency percentiles and the ratios discovery/hello and jwks/hello. The load generator shares
# the machine's cores with the server, so only the ratios compare across machines and runs.
#
# Environment: WRK_DURATION (10s), WRK_THREADS (2), WRK_CONNECTIONS (64), WARMUP (3s),
#              SKIP_BUILD=1 to reuse the last build, CONFIGURATION=debug to check the script quickly,
#              BIN_DIR=DIR to use the binaries in DIR (no build).
# Output: a table on stdout; wrk outputs and server logs in bench/out/discovery-TIMESTAMP/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require wrk
bench_require curl

bench_binaries portcullis portcullis-bench-hello

out="bench/out/discovery-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
trap bench_cleanup EXIT

port=$(bench_free_port)
hello_port=$(bench_free_port)
bench_copy_config "$out/config" "$port"

bench_start "$out/portcullis.log" "$bin_dir/portcullis" serve \
  --config "$out/config" --secrets secrets.example.yaml \
  --listen "127.0.0.1:$port" --database "$out/db.sqlite"
portcullis_pid=$BENCH_LAST_PID
bench_start "$out/hello.log" "$bin_dir/portcullis-bench-hello" "$hello_port"
hello_pid=$BENCH_LAST_PID

base="http://127.0.0.1:$port"
bench_wait_http "$base/healthz" "$portcullis_pid" "$out/portcullis.log"
bench_wait_http "http://127.0.0.1:$hello_port/hello" "$hello_pid" "$out/hello.log"

# Idle memory: after startup has settled, before any load.
sleep 1
idle_rss_kb=$(bench_rss_kb "$portcullis_pid")
hello_idle_rss_kb=$(bench_rss_kb "$hello_pid")

declare -A urls=(
  [hello]="http://127.0.0.1:$hello_port/hello"
  [discovery]="$base/acme/.well-known/openid-configuration"
  [jwks]="$base/acme/.well-known/jwks.json"
)
declare -A rps=()

for name in hello discovery jwks; do
  # Warm-up (not reported): first requests pay for lazy initialisation and connection setup.
  WRK_DURATION=${WARMUP:-3s} bench_wrk "$out/wrk-$name-warmup.txt" "${urls[$name]}" >/dev/null
  result=$(bench_wrk "$out/wrk-$name.txt" "${urls[$name]}")
  echo "$name: $result" >>"$out/results.txt"
  rps[$name]=$(bench_field "$result" rps)
  non2xx=$(bench_field "$result" non2xx)
  [[ $non2xx == 0 ]] || echo "warning: $name had $non2xx non-2xx responses (see $out/wrk-$name.txt)" >&2
  printf '%-10s %10s req/s   p50 %7s ms   p99 %7s ms   non-2xx %s\n' "$name" "${rps[$name]}" \
    "$(bench_field "$result" p50_ms)" "$(bench_field "$result" p99_ms)" "$non2xx"
done

peak_rss_kb=$(bench_rss_kb "$portcullis_pid" VmHWM)

echo
awk -v d="${rps[discovery]}" -v j="${rps[jwks]}" -v h="${rps[hello]}" 'BEGIN {
  printf "discovery/hello  %.2f\n", d / h
  printf "jwks/hello       %.2f\n", j / h
}'
printf 'portcullis idle RSS   %6d KiB\n' "$idle_rss_kb"
printf 'portcullis peak RSS   %6d KiB (after load)\n' "$peak_rss_kb"
printf 'hello idle RSS        %6d KiB\n' "$hello_idle_rss_kb"
echo "details: $out"
