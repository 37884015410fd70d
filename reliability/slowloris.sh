#!/usr/bin/env bash
# 1,000 slowloris clients (issue 10): connections that never finish their request heads (one more
# header line every 5 s, opened again as soon as the proxy closes them), while wrk measures the
# latency of normal clients before and during the attack. Passes when normal clients see no error
# and a p99 within twice the one before the attack (or +2 ms), and the proxy ends the slow heads at
# header.timeout with 408.
#
#   reliability/slowloris.sh [CONNS] [SECONDS]       defaults: 1000 clients for 50 s
set -euo pipefail
conns="${1:-1000}" seconds="${2:-50}"
source "$(dirname "$0")/common.sh"
rel_backends
rel_proxy "$here/target/reliability/slowloris"
url="http://127.0.0.1:$rel_port/small"
wrk -t1 -c16 -d3s "$url" > /dev/null                                   # warm-up
fields() { # wrk output -> "req/s p50 p99 errors"
    awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {e+=$NF} /Socket errors/ {gsub(",", ""); e+=$4+$6+$8+$10}
         END {printf "%s %s %s %d\n", r, p50, p99, e}'
}
ms() { # 1.23ms / 456.00us / 1.2s -> milliseconds
    awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else print v*1000 }'
}
read -r before_rps before_p50 before_p99 before_err < <(wrk -t1 -c16 -d10s --latency "$url" | fields)
fds_before="$(fds "$proxy_pid")"
python3 "$here/reliability/clients.py" slowloris --port "$rel_port" --conns "$conns" --seconds "$seconds" \
    > "$proxy_dir/slowloris.json" &
slow=$!
sleep 15                                                                 # let the 1,000 connect
fds_during="$(fds "$proxy_pid")"
read -r during_rps during_p50 during_p99 during_err < <(wrk -t1 -c16 -d10s --latency "$url" | fields)
wait "$slow"
slow_json="$(cat "$proxy_dir/slowloris.json")"
sleep 2
fds_after="$(fds "$proxy_pid")"
echo "normal clients (wrk -t1 -c16 -d10s GET /small):"
echo "  before: $before_rps req/s, p50 $before_p50, p99 $before_p99, errors $before_err"
echo "  during: $during_rps req/s, p50 $during_p50, p99 $during_p99, errors $during_err"
echo "slowloris: $slow_json"
echo "proxy open files: $fds_before before, $fds_during during, $fds_after after"
limit="$(awk -v b="$(ms "$before_p99")" 'BEGIN { x = 2 * b; if (x < b + 2) x = b + 2; print x }')"
ok=1
[ "$during_err" = 0 ] && [ "$before_err" = 0 ] || { echo "FAIL: normal clients met errors"; ok=0; }
awk -v d="$(ms "$during_p99")" -v l="$limit" 'BEGIN { exit !(d <= l) }' \
    || { echo "FAIL: p99 during the attack $during_p99 over $limit ms"; ok=0; }
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["open_min_after_10s"] >= 0.9*r["target"] and r["statuses"].get("408",0) > 0 else 1)' "$slow_json" \
    || { echo "FAIL: the slow clients were not held, or not ended with 408"; ok=0; }
[ "$ok" = 1 ] && echo "PASS" || exit 1
