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
# access log switched off as it is for the peers. Results go to target/bench-results/.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$here/../shared}/bench"
scenarios="${1:-http-small,http-big}"
reps="${2:-3}"
run="$here/target/bench-run"
export BENCH_RESULTS="$here/target/bench-results" BENCH_BIN="$here/target/bench-bin"
mkdir -p "$BENCH_RESULTS" "$BENCH_BIN"
make -s -C "$shared" BINDIR="$BENCH_BIN" >/dev/null

[ -x "$here/karaf-assembly/target/assembly/bin/karaf" ] || (cd "$here" && mvn -q -DskipTests install)
rm -rf "$run" && cp -a "$here/karaf-assembly/target/assembly" "$run"
cat > "$run/etc/io.passerelle.listener-main.cfg" <<CFG
port = 18400
host = 127.0.0.1
CFG
printf 'path = /\nurl = http://127.0.0.1:18080/\n' > "$run/etc/io.passerelle.route-bench.cfg"
printf 'path = /ws/\nurl = ws://127.0.0.1:18081/\n' > "$run/etc/io.passerelle.route-bench-ws.cfg"
# the access log off, as the peers run without one (its logger is declared once, as passerelleAccess)
sed -i 's/^log4j2.logger.passerelleAccess.level = .*/log4j2.logger.passerelleAccess.level = OFF/' \
    "$run/etc/org.ops4j.pax.logging.cfg"
grep -q '^log4j2.logger.passerelleAccess.level = OFF$' "$run/etc/org.ops4j.pax.logging.cfg" \
    || { echo "could not switch the access log off in $run/etc/org.ops4j.pax.logging.cfg" >&2; exit 1; }

(cd "$run" && KARAF_EXEC=exec nohup taskset -c 0 bin/karaf server > "$run/karaf.out" 2>&1 < /dev/null &
 echo $! > "$run/karaf.pid")
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
for i in $(seq 1 "$reps"); do
    for peer in ${PEERS:-nginx}; do
        "$shared/run.sh" "$scenarios" --proxy "$peer" --out "$BENCH_RESULTS/raw-$stamp.jsonl"
    done
    "$shared/run.sh" "$scenarios" --proxy custom 127.0.0.1:18400 --pids "$pid" --name passerelle \
        --warmup 10 --out "$BENCH_RESULTS/raw-$stamp.jsonl"
done
"$shared/run.sh" report "$BENCH_RESULTS/raw-$stamp.jsonl" | tee "$BENCH_RESULTS/report-$stamp.md"
