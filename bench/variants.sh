#!/usr/bin/env bash
# Measures what a module costs: Passerelle as the harness maps it (one route), the same with a
# 20-rule rewrite set in front, and the same through a balancer of 3 members, in one run,
# measured alternately, REPS times each after unrecorded warm-up rounds (ratios within one
# run, as for the peers).
#
#   bench/variants.sh [SCENARIOS] [REPS]      e.g. bench/variants.sh http-small 5
#
# Each variant is a fresh copy of the built distribution in target/bench-variants/NAME/,
# pinned to CPU 0 like the peers, access log off:
#   plain       127.0.0.1:18410  route / -> http://127.0.0.1:18080/ (and /ws/ -> ws://127.0.0.1:18081/)
#   rewrite20   127.0.0.1:18411  plain + a rule set of 20 rules that every request runs through
#                                (19 that do not apply: 10 with a failing RewriteCond, 9 whose
#                                pattern fails; the 20th matches and rewrites the path to itself)
#   balancer3   127.0.0.1:18412  route / -> balancer://bench/ with 3 members that are the
#                                harness's one backend spelled three ways (byrequests)
set -euo pipefail
scenarios="${1:-http-small}"
reps="${2:-3}"
source "$(dirname "$0")/common.sh"
base="$here/target/bench-variants"
rm -rf "$base" && mkdir -p "$base"

names=(plain rewrite20 balancer3)
declare -A port=([plain]=18410 [rewrite20]=18411 [balancer3]=18412)
declare -A pids=()

setup() {   # NAME DIR: the variant's own configuration on top of bench_copy's
    local name="$1" dir="$2"
    case "$name" in
    rewrite20)
        {
            echo "RewriteEngine on"
            for i in $(seq 1 10); do
                echo "RewriteCond %{HTTP_HOST} ^legacy$i\\.example\\.com\$ [NC]"
                echo "RewriteRule ^/(.*)\$ http://www.example.com/site$i/\$1 [R=301,L]"
            done
            for i in $(seq 1 9); do
                echo "RewriteRule ^/old$i/([a-z]+)/([0-9]+)\$ /new$i/\$2/\$1 [L]"
            done
            echo "RewriteRule ^/(small|big|[a-z]+)\$ /\$1 [L]"
        } > "$dir/etc/bench-rules.conf"
        printf 'rules.file = ${karaf.etc}/bench-rules.conf\n' > "$dir/etc/io.passerelle.rewrite-bench.cfg"
        ;;
    balancer3)
        printf 'members = http://127.0.0.1:18080, http://127.0.0.1:18080/, http://localhost:18080\n' \
            > "$dir/etc/io.passerelle.balancer-bench.cfg"
        printf 'path = /\nurl = balancer://bench/\n' > "$dir/etc/io.passerelle.route-bench.cfg"
        ;;
    esac
}

stop_all() {
    for name in "${!pids[@]}"; do kill "${pids[$name]}" 2>/dev/null || true; done
    sleep 2
    pkill -9 -f -- "-Dkaraf.base=$base/" 2>/dev/null || true
}
trap stop_all EXIT

for name in "${names[@]}"; do
    dir="$base/$name"
    bench_copy "$dir" "${port[$name]}"
    setup "$name" "$dir"
    bench_start "$dir"
    pids[$name]="$(cat "$dir/karaf.pid")"
done
for name in "${names[@]}"; do
    for _ in $(seq 1 120); do
        curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$name]}/small" 2>/dev/null | grep -q '^[2-5]' && break
        sleep 1
    done
done

stamp="$(date +%Y%m%d-%H%M%S)"
# unrecorded rounds first (WARMUP_ROUNDS, default 2): three JVMs pinned to one CPU take minutes
# of load before their JIT has settled, and nothing should count before that
for _ in $(seq 1 "${WARMUP_ROUNDS:-2}"); do
    for name in "${names[@]}"; do
        "$shared/run.sh" "$scenarios" --proxy custom "127.0.0.1:${port[$name]}" --pids "${pids[$name]}" \
            --name "warmup-$name" --warmup 10 --out "$BENCH_RESULTS/variants-warmup-$stamp.jsonl" >/dev/null
    done
done
for i in $(seq 1 "$reps"); do
    for name in "${names[@]}"; do
        "$shared/run.sh" "$scenarios" --proxy custom "127.0.0.1:${port[$name]}" --pids "${pids[$name]}" \
            --name "passerelle-$name" --warmup 10 --out "$BENCH_RESULTS/variants-$stamp.jsonl"
    done
done
"$shared/run.sh" report "$BENCH_RESULTS/variants-$stamp.jsonl" | tee "$BENCH_RESULTS/variants-report-$stamp.md"
