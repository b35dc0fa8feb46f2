#!/usr/bin/env bash
# Forward-auth resolver throughput with a valid session:
#   1. the resolver called directly, against the bare Hummingbird route (bench/hello), same run;
#   2. through nginx with auth_request (deploy/nginx/forward-auth.conf, the documented config),
#      against the same nginx proxying the same upstream without auth_request.
# The upstream behind nginx is portcullis-bench-hello in both cases.
#
#   bench/run-forward-auth.sh       (SKIP_BUILD=1 reuses the last build; BIN_DIR=DIR takes binaries from DIR)
#
# Environment: WRK_DURATION (6s), WRK_THREADS (2), WRK_CONNECTIONS (64), WARMUP (3s), ROUNDS (9),
#              NGINX_WORKERS (1), CONFIGURATION (release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require wrk
bench_require curl
bench_require nginx
bench_binaries portcullis portcullis-bench-hello

out="$PWD/bench/out/forward-auth-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out/nginx/tmp"
trap bench_cleanup EXIT

port=$(bench_free_port)
hello_port=$(bench_free_port)
auth_port=$(bench_free_port)
plain_port=$(bench_free_port)
bench_copy_config "$out/config" "$port"

email=bench-fa@example.com
password=a-benchmark-passphrase
echo "$password" | "$bin_dir/portcullis" users create --config "$out/config" --secrets secrets.example.yaml \
  --database "$out/db.sqlite" --tenant acme --email "$email" --password-stdin >/dev/null

bench_start "$out/portcullis.log" "$bin_dir/portcullis" serve --config "$out/config" \
  --secrets secrets.example.yaml --listen "127.0.0.1:$port" --database "$out/db.sqlite"
portcullis_pid=$BENCH_LAST_PID
bench_start "$out/hello.log" "$bin_dir/portcullis-bench-hello" "$hello_port"
hello_pid=$BENCH_LAST_PID
bench_wait_http "http://127.0.0.1:$port/healthz" "$portcullis_pid" "$out/portcullis.log"
bench_wait_http "http://127.0.0.1:$hello_port/hello" "$hello_pid" "$out/hello.log"

# A real login through the hosted page: the session cookie every benchmark request carries.
token=$(python3 - "http://127.0.0.1:$port/acme/u/login" "$email" "$password" <<'PY'
import re, sys, urllib.parse, urllib.request, http.cookiejar
url, email, password = sys.argv[1:]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(url).read().decode()
csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"csrf_token": csrf, "username": email, "password": password}).encode()
opener.open(url, data)
print(next(c.value for c in jar if c.name == "portcullis_session"))
PY
)

# nginx: the documented server block (upstream = hello) and a plain proxy to the same upstream.
sed -e "s/127\.0\.0\.1:8000/127.0.0.1:$auth_port/" -e "s/127\.0\.0\.1:8080/127.0.0.1:$port/" \
  -e "s/127\.0\.0\.1:3000/127.0.0.1:$hello_port/" deploy/nginx/forward-auth.conf >"$out/nginx/site.conf"
user_line=""
[[ $(id -u) -eq 0 ]] && user_line="user root;"
cat >"$out/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes ${NGINX_WORKERS:-1};
pid $out/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $out/nginx/tmp/body;
    proxy_temp_path $out/nginx/tmp/proxy;
    fastcgi_temp_path $out/nginx/tmp/fastcgi;
    uwsgi_temp_path $out/nginx/tmp/uwsgi;
    scgi_temp_path $out/nginx/tmp/scgi;
    include $out/nginx/site.conf;
    upstream plain_app {
        server 127.0.0.1:$hello_port;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$plain_port;
        location / {
            proxy_pass http://plain_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
        }
    }
}
CONF
bench_start "$out/nginx.log" nginx -p "$out/nginx" -c "$out/nginx/nginx.conf" -e stderr
nginx_pid=$BENCH_LAST_PID
bench_wait_http "http://127.0.0.1:$plain_port/hello" "$nginx_pid" "$out/nginx.log"

cookie="Cookie: portcullis_session=$token"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" -H "X-Original-URL: http://app.acme.test/hello" \
  "http://127.0.0.1:$port/acme/_resolver/resolve")
[[ $status == 200 ]] || bench_die "resolver answered $status with the benchmark session"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" -H "Host: app.acme.test" "http://127.0.0.1:$auth_port/hello")
[[ $status == 200 ]] || bench_die "nginx with auth_request answered $status (see $out/nginx.log)"

# Rounds alternate the four measurements, so load from elsewhere on the machine falls on both
# sides of each ratio; the table shows the median of each over the rounds.
rounds=${ROUNDS:-9}
# Many short rounds rather than a few long ones: on a shared VM single rounds move by ±0.1, and the
# median of nine alternating rounds is what stays put between runs.
export WRK_DURATION=${WRK_DURATION:-6s}
run() { # run NAME ROUND URL [wrk args...]
  local name=$1 round=$2
  shift 2
  [[ $round == 1 ]] && WRK_DURATION=${WARMUP:-3s} bench_wrk "$out/wrk-$name-warmup.txt" "$@" >/dev/null
  local result
  result=$(bench_wrk "$out/wrk-$name-$round.txt" "$@")
  echo "$name $round $result" >>"$out/results.txt"
}
for round in $(seq "$rounds"); do
  run hello "$round" "http://127.0.0.1:$hello_port/hello"
  run resolver "$round" "http://127.0.0.1:$port/acme/_resolver/resolve" -H "$cookie" \
    -H "X-Original-URL: http://app.acme.test/hello"
  run nginx-plain "$round" "http://127.0.0.1:$plain_port/hello" -H "Host: app.acme.test"
  run nginx-auth "$round" "http://127.0.0.1:$auth_port/hello" -H "Host: app.acme.test" -H "$cookie"
done

python3 - "$out/results.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, round_, _, *fields = line.split()
    values = dict(field.split("=", 1) for field in fields)
    runs.setdefault(name, {})[round_] = values
def median(name, key):
    return statistics.median(float(v[key]) for v in runs[name].values())
for name in ("hello", "resolver", "nginx-plain", "nginx-auth"):
    non2xx = sum(int(v["non2xx"]) for v in runs[name].values())
    print(f"{name:<14} {median(name, 'rps'):10.1f} req/s   p50 {median(name, 'p50_ms'):7.3f} ms   "
          f"p99 {median(name, 'p99_ms'):7.3f} ms   non-2xx {non2xx}")
def ratio(a, b):
    per_round = [float(runs[a][r]["rps"]) / float(runs[b][r]["rps"]) for r in runs[a]]
    return statistics.median(per_round), per_round
for (a, b, target) in (("resolver", "hello", 0.8), ("nginx-auth", "nginx-plain", 0.4)):
    value, per_round = ratio(a, b)
    rounds = ", ".join(f"{x:.2f}" for x in per_round)
    print(f"{a}/{b:<12} {value:.2f}  (target >= {target}; rounds: {rounds})")
PY
printf 'portcullis peak RSS     %6d KiB\n' "$(bench_rss_kb "$portcullis_pid" VmHWM)"
echo "details: $out"
