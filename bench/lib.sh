# Shared helpers of the bench/run-*.sh scripts. Source it; it does nothing by itself.
# The benchmarks bind 127.0.0.1 only and stop every process they start (see bench_cleanup).

BENCH_PIDS=()

bench_die() {
  echo "error: $*" >&2
  exit 1
}

bench_require() { # bench_require COMMAND [DEBIAN-PACKAGE]
  command -v "$1" >/dev/null 2>&1 || bench_die "$1 not found; install it with: apt-get install -y ${2:-$1}"
}

# A port the kernel reports free right now on 127.0.0.1.
bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts a command in the background with its output in LOG; records its pid for cleanup and
# leaves it in BENCH_LAST_PID (not printed: a $(...) subshell would lose the record).
bench_start() { # bench_start LOG CMD...
  local log=$1
  shift
  "$@" >"$log" 2>&1 </dev/null &
  BENCH_LAST_PID=$!
  BENCH_PIDS+=("$BENCH_LAST_PID")
}

# Stops the processes bench_start started (by pid), SIGTERM first, SIGKILL after 10 s.
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
}

# Waits until URL answers 200, failing if PID exits first or TIMEOUT seconds pass.
bench_wait_http() { # bench_wait_http URL PID LOG [TIMEOUT]
  local url=$1 pid=$2 log=$3 timeout=${4:-60} started=$SECONDS
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$log" >&2
      bench_die "process $pid exited before $url answered (log: $log)"
    fi
    if ((SECONDS - started > timeout)); then
      bench_die "$url did not answer within ${timeout}s (log: $log)"
    fi
    sleep 0.1
  done
}

# Resident memory of PID in KiB (VmRSS), or the peak (VmHWM) with FIELD=VmHWM.
bench_rss_kb() { # bench_rss_kb PID [FIELD]
  awk -v field="${2:-VmRSS}:" '$1 == field { print $2 }' "/proc/$1/status"
}

# Copies config/ to DEST with every 127.0.0.1:8080 moved to 127.0.0.1:PORT (routing uses the
# issuer's host and port) and per-request logging turned down to warnings, as the baseline.
bench_copy_config() { # bench_copy_config DEST PORT
  cp -R config "$1"
  find "$1" -name '*.yaml' -exec sed -i "s/127\.0\.0\.1:8080/127.0.0.1:$2/g" {} +
  sed -i 's/^\(  level:\) info$/\1 warning/' "$1/portcullis.yaml"
}

# Runs wrk with bench/report.lua; keeps the full output in OUT and prints the RESULT line.
bench_wrk() { # bench_wrk OUT URL [extra wrk args...]
  local out=$1 url=$2
  shift 2
  wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-64}" -d"${WRK_DURATION:-10s}" \
    -s bench/report.lua "$@" "$url" >"$out" 2>&1 || bench_die "wrk failed: $(cat "$out")"
  grep '^RESULT ' "$out" || bench_die "no RESULT line in $out"
}

# Extracts KEY=VALUE from a RESULT line.
bench_field() { # bench_field "RESULT ..." KEY
  tr ' ' '\n' <<<"$1" | awk -F= -v key="$2" '$1 == key { print $2 }'
}

# Sets bin_dir to where PRODUCT... are: BIN_DIR if given, else a build of each (release unless
# CONFIGURATION says otherwise; SKIP_BUILD=1 reuses the last one). One product per swift build:
# given several --product options, SwiftPM builds only the last.
bench_binaries() { # bench_binaries PRODUCT...
  local product configuration=${CONFIGURATION:-release}
  if [[ -n ${BIN_DIR:-} ]]; then
    bin_dir=$BIN_DIR
  else
    if [[ ${SKIP_BUILD:-0} != 1 ]]; then
      for product in "$@"; do swift build -c "$configuration" --product "$product"; done
    fi
    bin_dir=$(swift build -c "$configuration" --show-bin-path | tail -n 1)
  fi
  for product in "$@"; do
    [[ -x $bin_dir/$product ]] || bench_die "$product missing in $bin_dir (run without SKIP_BUILD=1)"
  done
}

# The value of a secrets.example.yaml entry with a one-line `data:`.
bench_secret() { # bench_secret KEY
  awk -v key="$1" '$0 ~ "- key: " key "$" { found = 1; next } found && /data:/ { print $2; exit }' secrets.example.yaml
}
