#!/usr/bin/env bash
# Measures this build against another build of Passerelle (the one before a change) and the peers,
# in one run: the peers (PEERS, default nginx), "passerelle-before" and "passerelle" are measured
# alternately, REPS times each, so that a change is judged by ratios taken on the same machine in
# the same minutes (the rule for a redesign: benchmark ratios before and after in one run).
#
#   bench/compare.sh BEFORE_ASSEMBLY [SCENARIOS] [REPS]
#   PEERS= bench/compare.sh ...          (the two builds alone, no peer between their runs)
#   e.g. git worktree add /tmp/before HEAD~1 && (cd /tmp/before && mvn -q -DskipTests install)
#        bench/compare.sh /tmp/before/karaf-assembly/target/assembly http-small,ws-echo,ws-handshake 3
#
# Both copies run at once, pinned to CPU 0 like the peers (the one not measured is idle), with the
# harness's mapping and the access log off: this build on 127.0.0.1:18400 (target/bench-run/),
# the other on 127.0.0.1:18401 (target/bench-run-before/). Results go to target/bench-results/.
set -euo pipefail
before="${1:?the unpacked assembly of the build to compare with (its karaf-assembly/target/assembly)}"
scenarios="${2:-http-small,ws-echo,ws-handshake}"
reps="${3:-3}"
[ -x "$before/bin/karaf" ] || { echo "$before is not an unpacked Passerelle distribution" >&2; exit 1; }
source "$(dirname "$0")/common.sh"
now="$here/target/bench-run"
old="$here/target/bench-run-before"
bench_copy "$now" 18400
bench_copy "$old" 18401 "$before"
bench_start "$now"
bench_start "$old"
pid_now="$(cat "$now/karaf.pid")"
pid_old="$(cat "$old/karaf.pid")"
stop_all() {
    kill "$pid_now" "$pid_old" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid_now" 2>/dev/null || kill -0 "$pid_old" 2>/dev/null || break
        sleep 0.5
    done
    pkill -9 -f -- "-Dkaraf.base=$now " 2>/dev/null || true
    pkill -9 -f -- "-Dkaraf.base=$old " 2>/dev/null || true
}
trap stop_all EXIT
for port in 18400 18401; do
    for _ in $(seq 1 120); do
        ss -ltn | grep -q ":$port " && break
        sleep 1
    done
    ss -ltn | grep -q ":$port " || { echo "Passerelle did not open $port; see its data/log/karaf.log" >&2; exit 1; }
done

stamp="$(date +%Y%m%d-%H%M%S)"
for i in $(seq 1 "$reps"); do
    for peer in ${PEERS-nginx}; do
        "$shared/run.sh" "$scenarios" --proxy "$peer" --out "$BENCH_RESULTS/compare-$stamp.jsonl"
    done
    # the two builds take turns going first
    if [ $((i % 2)) -eq 1 ]; then order="old now"; else order="now old"; fi
    for which in $order; do
        if [ "$which" = old ]; then
            "$shared/run.sh" "$scenarios" --proxy custom 127.0.0.1:18401 --pids "$pid_old" \
                --name passerelle-before --warmup 10 --out "$BENCH_RESULTS/compare-$stamp.jsonl"
        else
            "$shared/run.sh" "$scenarios" --proxy custom 127.0.0.1:18400 --pids "$pid_now" \
                --name passerelle --warmup 10 --out "$BENCH_RESULTS/compare-$stamp.jsonl"
        fi
    done
done
"$shared/run.sh" report "$BENCH_RESULTS/compare-$stamp.jsonl" | tee "$BENCH_RESULTS/compare-$stamp.md"
