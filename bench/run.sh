#!/usr/bin/env bash
# Measures Passerelle with the shared harness (../shared/bench), side by side with peers
# in the same run: the peers (PEERS, default nginx) and Passerelle are measured alternately,
# REPS times each.
#
#   bench/run.sh [SCENARIOS] [REPS]      e.g. bench/run.sh http-small,http-big 3
#   PEERS="nginx haproxy" bench/run.sh ws-echo,ws-handshake,ws-idle 3
#
# Passerelle runs from a fresh copy of the built distribution in target/bench-run/,
# listening on 127.0.0.1:18400 with the harness's mapping (/ws/ -> ws://127.0.0.1:18081/,
# everything else -> http://127.0.0.1:18080/), pinned to CPU 0 like the peers, with the
# access log switched off as it is for the peers. Before the measured runs, WARMUP_ROUNDS (default 1)
# unrecorded rounds of the same scenarios warm its JIT up. Results go to target/bench-results/.
set -euo pipefail
scenarios="${1:-http-small,http-big}"
reps="${2:-3}"
source "$(dirname "$0")/common.sh"
run="$here/target/bench-run"
bench_copy "$run" 18400
bench_start "$run"
pid="$(cat "$run/karaf.pid")"
stop_karaf() {
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
}
stop_all() {
    stop_karaf
    pkill -9 -f -- "-Dkaraf.base=$run " 2>/dev/null || true   # whatever of this copy is still running
}
trap stop_all EXIT
for _ in $(seq 1 120); do
    ss -ltn | grep -q ':18400 ' && break
    sleep 1
done
ss -ltn | grep -q ':18400 ' || { echo "Passerelle did not open 18400; see $run/data/log/karaf.log" >&2; exit 1; }

stamp="$(date +%Y%m%d-%H%M%S)"
# unrecorded rounds first (WARMUP_ROUNDS, default 1): a fresh JVM pinned to one CPU compiles its hot
# paths for minutes, and the targets are judged after JIT warm-up (the peers need none)
for _ in $(seq 1 "${WARMUP_ROUNDS:-1}"); do
    "$shared/run.sh" "$scenarios" --proxy custom 127.0.0.1:18400 --pids "$pid" --name passerelle-warmup \
        --warmup 10 --out "$BENCH_RESULTS/warmup-$stamp.jsonl" > /dev/null
done
for i in $(seq 1 "$reps"); do
    for peer in ${PEERS:-nginx}; do
        "$shared/run.sh" "$scenarios" --proxy "$peer" --out "$BENCH_RESULTS/raw-$stamp.jsonl"
    done
    "$shared/run.sh" "$scenarios" --proxy custom 127.0.0.1:18400 --pids "$pid" --name passerelle \
        --warmup 10 --out "$BENCH_RESULTS/raw-$stamp.jsonl"
done
"$shared/run.sh" report "$BENCH_RESULTS/raw-$stamp.jsonl" | tee "$BENCH_RESULTS/report-$stamp.md"
