#!/usr/bin/env bash
# The most idle WebSocket tunnels this machine's descriptor limit allows (issue 10): the proxy gets
# the hard open-files limit (`ulimit -Hn`), wsbench opens as many tunnels as two descriptors each
# leave room for (minus what Karaf holds at rest and a margin of 400), holds them idle for HOLD
# seconds, and reports what dropped. The margin of 400 descriptors leaves the shell's SSH server
# room to answer proxy:routes while the tunnels are open. The proxy's live heap after a full GC, per tunnel, and
# proxy:routes' tunnel count are printed while they are open.
#
#   reliability/idle-tunnels.sh [HOLD]          default: hold 30 s
#   HISTOGRAM=1 reliability/idle-tunnels.sh     also prints what one tunnel holds, class by class: the live
#                                               objects (jcmd GC.class_histogram) with the tunnels open less
#                                               those at rest, divided by the tunnels (the 30 largest)
set -euo pipefail
hold="${1:-30}"
source "$(dirname "$0")/common.sh"
hard="$(ulimit -Hn)"
ulimit -n "$hard"
rel_backends
rel_proxy "$here/target/reliability/idle-tunnels" "$hard"
base_fds="$(fds "$proxy_pid")"
heap0="$(live_heap_kib "$proxy_pid")"
[ -n "${HISTOGRAM:-}" ] && jcmd "$proxy_pid" GC.class_histogram > "$proxy_dir/histogram-rest.txt"
target=$(( (hard - base_fds - 400) / 2 ))
echo "proxy: limit $hard open files, $base_fds open at rest, live heap ${heap0} KiB; opening $target tunnels"
out="$proxy_dir/wsbench.txt"
"$BENCH_BIN/wsbench" idle -p "$rel_port" -u /ws/ -c "$target" -P 256 -H "$hold" -t 120 > "$out" 2>&1 &
bench=$!
rel_pids+=("$bench")
for _ in $(seq 1 240); do grep -q '^READY' "$out" && break; sleep 0.5; done
sleep 2
heap1="$(live_heap_kib "$proxy_pid")"
if [ -n "${HISTOGRAM:-}" ]; then
    jcmd "$proxy_pid" GC.class_histogram > "$proxy_dir/histogram-open.txt"
    n="$(grep -c . <<< "$(seq 1 "$target")")"
    awk -v n="$n" 'FNR == NR { if ($1 ~ /:$/) { rc[$4] = $2; rb[$4] = $3 } next }
        $1 ~ /:$/ { printf "%8.2f %8.1f  %s\n", ($2 - rc[$4]) / n, ($3 - rb[$4]) / n, $4 }' \
        "$proxy_dir/histogram-rest.txt" "$proxy_dir/histogram-open.txt" | sort -k2 -n -r | sed -n 1,30p \
        | { echo "per tunnel: objects, bytes, class"; cat; }
fi
peak_fds="$(fds "$proxy_pid")"
tunnels="$(shell 'proxy:routes bench-ws' | awk -F'|' '$1 ~ /bench-ws/ {gsub(/ /, "", $8); print $8}' || true)"
wait "$bench" || true
result="$(grep '^RESULT' "$out" || true)"
echo "$result"
open="$(sed -nE 's/.* open=([0-9]+).*/\1/p' <<< "$result")"
dropped="$(sed -nE 's/.* dropped=([0-9]+).*/\1/p' <<< "$result")"
errors="$(sed -nE 's/.* errors=([0-9]+).*/\1/p' <<< "$result")"
echo "tunnels open at once: ${open:-0} of $target (proxy:routes counted ${tunnels:-?}); dropped while idle: ${dropped:-?}; errors: ${errors:-?}"
echo "proxy open files at the peak: $peak_fds of $hard"
echo "live heap after a full GC: ${heap0} KiB -> ${heap1} KiB, $(awk -v a="$heap0" -v b="$heap1" -v n="${open:-1}" 'BEGIN { printf "%.2f", (b - a) / n }') KiB per tunnel"
[ "${open:-0}" = "$target" ] && [ "${dropped:-1}" = 0 ] && [ "${errors:-1}" = 0 ] && [ "${tunnels:-0}" = "$target" ] \
    && echo "PASS" || { echo "FAIL"; exit 1; }
