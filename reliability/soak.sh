#!/usr/bin/env bash
# A soak of mixed HTTP and WebSocket load (issue 10), MINUTES long (default 10): at once,
#   wrk -t1 -c32 GET /small (100 B) and wrk -t1 -c2 GET /big (1 MiB) for the whole run, and each
#   minute a round of wsbench echo (50 tunnels, 64-byte frames, 4 in flight each, 55 s) and wsbench
#   handshake (4 slots: upgrade, close, again, 55 s),
# with the proxy's live heap after a full GC sampled at the end of every minute. Passes with zero
# errors on every load, no tunnel left open once the clients closed theirs, and a heap that stays flat:
# the last sample within 4 MiB of the first.
#
#   reliability/soak.sh [MINUTES]
set -euo pipefail
minutes="${1:-10}"
secs=$(( minutes * 60 ))
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"
rel_backends
rel_proxy "$here/target/reliability/soak"
base="http://127.0.0.1:$rel_port"
d="$proxy_dir"
wrk -t1 -c16 -d5s "$base/small" > /dev/null                                     # warm-up
"$BENCH_BIN/wsbench" echo -p "$rel_port" -u /ws/ -c 50 -s 64 -k 4 -d 5 -w 1 -t 30 > /dev/null 2>&1 || true
wrk -t1 -c32 -d"${secs}s" --latency "$base/small" > "$d/wrk-small.txt" 2>&1 & small=$!
wrk -t1 -c2 -d"${secs}s" "$base/big" > "$d/wrk-big.txt" 2>&1 & big=$!
field() { local v; v="$(sed -nE "s/.* $2=([0-9]+).*/\1/p" <<< "$1" | head -1)"; echo "${v:-0}"; }
heap=() echo_msgs=0 ws_err=0 hs_n=0 hs_err=0
# wsbench runs at most 300 s at a time: a new round of tunnels and upgrades each minute
for m in $(seq 1 "$minutes"); do
    "$BENCH_BIN/wsbench" echo -p "$rel_port" -u /ws/ -c 50 -s 64 -k 4 -d 55 -w 0 -t 30 > "$d/ws-echo.txt" 2>&1 &
    e=$!
    "$BENCH_BIN/wsbench" handshake -p "$rel_port" -u /ws/ -c 4 -d 55 -w 0 > "$d/ws-handshake.txt" 2>&1 &
    h=$!
    wait "$e" || true
    wait "$h" || true
    er="$(grep '^RESULT' "$d/ws-echo.txt" || echo 'RESULT msgs=0 errors=1')"
    hr="$(grep '^RESULT' "$d/ws-handshake.txt" || echo 'RESULT handshakes=0 errors=1')"
    echo_msgs=$(( echo_msgs + $(field "$er" msgs) ))
    ws_err=$(( ws_err + $(field "$er" errors) + 50 - $(field "$er" open) ))
    hs_n=$(( hs_n + $(field "$hr" handshakes) ))
    hs_err=$(( hs_err + $(field "$hr" errors) + $(field "$hr" bad_handshakes) + $(field "$hr" close_timeouts) ))
    hk="$(live_heap_kib "$proxy_pid")"
    heap+=("$hk")
    echo "minute $m: live heap ${hk} KiB, open files $(fds "$proxy_pid"); $er"
done
wait "$small" || true
wait "$big" || true
# every tunnel has ended (wsbench closes each one it opened): none may be left open in the proxy
for _ in $(seq 1 20); do
    routes="$(shell 'proxy:routes')"
    open_tunnels="$(awk -F'|' '$8 ~ /^ *[0-9]+ *$/ {t += $8} END {print t + 0}' <<< "$routes")"
    [ "$open_tunnels" = 0 ] && break
    sleep 0.5
done
tunnels="$(shell 'proxy:tunnels')"
errs() { awk '/Non-2xx/ {e+=$NF} /Socket errors/ {gsub(",", ""); e+=$4+$6+$8+$10} END {print e+0}' "$1"; }
small_err="$(errs "$d/wrk-small.txt")" big_err="$(errs "$d/wrk-big.txt")"
small_n="$(awk '/requests in/ {print $1}' "$d/wrk-small.txt")" big_n="$(awk '/requests in/ {print $1}' "$d/wrk-big.txt")"
echo "GET /small:  $small_n requests, $small_err errors; $(grep -E '^ +99%' "$d/wrk-small.txt" | sed 's/^ */p99 /')"
echo "GET /big:    $big_n requests, $big_err errors"
echo "ws echo:     $echo_msgs messages echoed in $minutes rounds of 50 tunnels, $ws_err errors"
echo "ws upgrades: $hs_n upgrade+close cycles, $hs_err errors"
echo "live heap after full GC, per minute (KiB): ${heap[*]}"
echo "proxy:routes at the end:"; echo "$routes"
[ "$open_tunnels" = 0 ] || { echo "proxy:tunnels:"; echo "$tunnels"; }
first="${heap[0]}" last="${heap[-1]}"
ok=1
[ "$small_err" = 0 ] && [ "$big_err" = 0 ] && [ "$ws_err" = 0 ] && [ "$hs_err" = 0 ] || { echo "FAIL: errors"; ok=0; }
[ "$open_tunnels" = 0 ] || { echo "FAIL: $open_tunnels tunnel(s) still open after every client closed"; ok=0; }
[ $(( last - first )) -lt 4096 ] || { echo "FAIL: the live heap grew from $first KiB to $last KiB"; ok=0; }
[ "$ok" = 1 ] && echo "PASS" || exit 1
