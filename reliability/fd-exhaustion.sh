#!/usr/bin/env bash
# Running out of file descriptors (issue 10): the proxy runs with an open-files limit of NOFILE
# (default 1024); idle clients take every descriptor it has left and more. Meanwhile a client
# already connected keeps asking (its backend connection cannot open: 503, the process lives), the
# listener keeps its socket, and the log is not flooded. Then the idle clients leave, and the
# proxy must serve new clients again within seconds: nothing wedged.
#
#   reliability/fd-exhaustion.sh [NOFILE]
set -euo pipefail
nofile="${1:-1024}"
source "$(dirname "$0")/common.sh"
rel_backends
rel_proxy "$here/target/reliability/fd-exhaustion" "$nofile"
url="http://127.0.0.1:$rel_port/small"
log="$proxy_dir/data/log/karaf.log"
base_fds="$(fds "$proxy_pid")"
log_before="$(wc -l < "$log")"
extra=$(( nofile - base_fds + 200 ))
echo "proxy: limit $nofile open files, $base_fds open at rest; $extra idle clients to come"
# a keep-alive client connected before the flood, asking once a second while the idle clients hold
python3 - "$rel_port" > "$proxy_dir/keepalive.txt" <<'PY' &
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
seen = []
for i in range(25):
    try:
        c.request("GET", "/small")
        r = c.getresponse(); r.read(); seen.append(str(r.status))
        if r.getheader("Connection", "").lower() == "close":
            c.close(); c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
    except Exception as e:
        seen.append(type(e).__name__)
        c.close(); c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
    time.sleep(1)
print(" ".join(seen))
PY
asker=$!
sleep 2
python3 "$here/reliability/clients.py" hold --port "$rel_port" --conns "$extra" --seconds 15 > "$proxy_dir/hold.json" &
holder=$!
ticks() { awk '{print $14 + $15}' "/proc/$proxy_pid/stat"; }
sleep 5
t0="$(ticks)"
sleep 5
cpu_during="$(( ($(ticks) - t0) * 100 / $(getconf CLK_TCK) / 5 ))"
peak_fds="$(fds "$proxy_pid")"
listening="$(ss -ltn | grep -c ":$rel_port " || true)"
wait "$holder"
start=$(date +%s.%N)
recovered=""
for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ]; then
        recovered="$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"; break
    fi
    sleep 0.2
done
wait "$asker"
after_fds="$(fds "$proxy_pid")"
log_lines=$(( $(wc -l < "$log") - log_before ))
echo "idle clients: $(cat "$proxy_dir/hold.json")"
echo "proxy open files: $base_fds at rest, $peak_fds at the peak (limit $nofile), $after_fds after"
echo "listener socket still bound during the flood: $listening; proxy CPU while out of descriptors: ${cpu_during}% of a core"
echo "keep-alive client, once a second through the flood: $(cat "$proxy_dir/keepalive.txt")"
echo "log lines written meanwhile: $log_lines, of which ERROR: $(tail -n "$log_lines" "$log" | grep -c '| ERROR' || true)"
{ tail -n "$log_lines" "$log" | grep '| ERROR' || true; } | head -3 | cut -c1-200
ok=1
kill -0 "$proxy_pid" || { echo "FAIL: the proxy died"; ok=0; }
[ -n "$recovered" ] && echo "new clients served again ${recovered}s after the idle ones left" \
    || { echo "FAIL: no 200 within 20 s of the idle clients leaving"; ok=0; }
[ "$log_lines" -lt 1000 ] || { echo "FAIL: $log_lines log lines: the log is flooded"; ok=0; }
[ "$ok" = 1 ] && echo "PASS" || exit 1
