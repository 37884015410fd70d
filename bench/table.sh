#!/usr/bin/env bash
# The README's performance table, in one run (issue 9's targets): every scenario of the shared
# harness for nginx, HAProxy and Passerelle, measured alternately REPS times each; what a module
# costs (bench/variants.sh); and how io.threads = 2 scales over 1. Prints the table, with the date,
# the machine and each target's verdict, and writes it to target/bench-results/table-STAMP.md.
#
#   bench/table.sh [REPS]                  default 3; about 35 minutes with 3
#
# Passerelle runs at shipped defaults except io.threads = 1, one I/O thread like the peers' one
# worker, pinned to CPU 0 as they are. The scaling step runs two more copies (io.threads 1 and 2)
# that may use both CPUs, which they share with the load generator and the backends.
# Needs a quiet machine: nothing else should run meanwhile.
set -euo pipefail
reps="${1:-3}"
source "$(dirname "$0")/common.sh"
stamp="$(date +%Y%m%d-%H%M%S)"
scenarios=http-small,http-big,ws-echo,ws-bulk,ws-handshake,ws-idle

echo "== 1/3: $scenarios, nginx, HAProxy and Passerelle, $reps runs each"
IO_THREADS=1 PEERS="nginx haproxy" "$here/bench/run.sh" "$scenarios" "$reps" > "$BENCH_RESULTS/table-peers-$stamp.log"
peers="$(ls -t "$BENCH_RESULTS"/raw-*.jsonl | head -1)"

echo "== 2/3: what a module costs (bench/variants.sh http-small)"
IO_THREADS=1 WARMUP_ROUNDS=2 "$here/bench/variants.sh" http-small "$reps" > "$BENCH_RESULTS/table-variants-$stamp.log"
variants="$(ls -t "$BENCH_RESULTS"/variants-2*.jsonl | head -1)"

echo "== 3/3: io.threads 1 and 2, both CPUs allowed"
scaling="$BENCH_RESULTS/table-scaling-$stamp.jsonl"
declare -A pids=()
stop_scaling() {
    for t in "${!pids[@]}"; do kill "${pids[$t]}" 2>/dev/null || true; done
    sleep 2
    pkill -9 -f -- "-Dkaraf.base=$here/target/bench-scaling-" 2>/dev/null || true
}
trap stop_scaling EXIT
for t in 1 2; do
    dir="$here/target/bench-scaling-$t"
    IO_THREADS=$t bench_copy "$dir" $((18420 + t))
    bench_start "$dir" 0,1
    pids[$t]="$(cat "$dir/karaf.pid")"
done
for t in 1 2; do
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "http://127.0.0.1:$((18420 + t))/small" && break
        sleep 1
    done
done
# the first round warms both JITs up and is not recorded
for i in $(seq 0 "$reps"); do
    out="$scaling"; [ "$i" = 0 ] && out="$BENCH_RESULTS/table-scaling-warmup-$stamp.jsonl"
    for t in 1 2; do
        "$shared/run.sh" http-small,ws-echo --proxy custom "127.0.0.1:$((18420 + t))" --pids "${pids[$t]}" \
            --name "passerelle-io$t" --warmup 10 --out "$out" > /dev/null
    done
done
stop_scaling
trap - EXIT

python3 - "$peers" "$variants" "$scaling" "$reps" > "$BENCH_RESULTS/table-$stamp.md" <<'PY'
import json, platform, statistics, subprocess, sys
from datetime import date

peers, variants, scaling, reps = sys.argv[1:5]

def load(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows

def med(rows, proxy, scenario, key):
    v = [r[key] for r in rows if r.get("proxy") == proxy and r.get("scenario") == scenario and r.get(key) is not None]
    return statistics.median(v) if v else None

P, V, S = load(peers), load(variants), load(scaling)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
haproxy = subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout.split()[2]
print(f"Measured {date.today()} on {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores"
      f" ({cpu}), Linux {platform.release()}; nginx {nginx}, HAProxy {haproxy}; medians of {reps} runs each;"
      f" Passerelle with io.threads = 1, every proxy pinned to CPU 0.")
print()
print("| scenario | figure | nginx | HAProxy | Passerelle | ratio to nginx / HAProxy | target | met |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")

def fmt(x, d=1):
    if x is None:
        return "-"
    return f"{x:,.{d}f}" if d else f"{x:,.0f}"

def row(scenario, figure, key, target, ok, d=1):
    # the ratio is Passerelle's figure over the peer's, whichever way is better
    n, h, p = (med(P, x, scenario, key) for x in ("nginx", "haproxy", "passerelle"))
    rn, rh = (p / n if n and p else None), (p / h if h and p else None)
    verdict = "-" if ok is None else "?" if None in (n, h, p) else ("yes" if ok(n, h, p) else "**no**")
    print(f"| {scenario} | {figure} | {fmt(n, d)} | {fmt(h, d)} | {fmt(p, d)} | {fmt(rn, 2)}× / {fmt(rh, 2)}× | {target} | {verdict} |")

row("ws-handshake", "upgrades/s", "rate", "≥ both", lambda n, h, p: p >= n and p >= h, 0)
row("ws-handshake", "proxy CPU µs/upgrade", "cpu_us_per_op", "≤ both", lambda n, h, p: p <= n and p <= h)
row("ws-echo", "msg/s", "rate", "≥ nginx", lambda n, h, p: p >= n, 0)
row("ws-echo", "proxy CPU µs/msg", "cpu_us_per_op", "≤ nginx", lambda n, h, p: p <= n, 2)
row("ws-echo", "p99 µs", "p99_us", "≤ 1.5× nginx", lambda n, h, p: p <= 1.5 * n, 0)
row("ws-bulk", "MiB/s", "mib_s", "≥ HAProxy", lambda n, h, p: p >= h, 0)
row("ws-idle", "KiB per idle tunnel", "kib_per_tunnel", "< both", lambda n, h, p: p < n and p < h, 2)
row("ws-idle", "live heap KiB per idle tunnel (JVM)", "heap_kib_per_tunnel", "", None, 2)
row("http-small", "req/s", "rate", "≥ 0.9× the better", lambda n, h, p: p >= 0.9 * max(n, h), 0)
row("http-small", "proxy CPU µs/req", "cpu_us_per_op", "≤ 1.2× theirs", lambda n, h, p: p <= 1.2 * min(n, h))
row("http-big", "req/s (MiB/s)", "rate", "≥ nginx", lambda n, h, p: p >= n, 0)

plain = med(V, "passerelle-plain", "http-small", "rate")
for name, what in (("rewrite20", "20 rewrite rules"), ("balancer3", "a 3-member balancer")):
    r = med(V, f"passerelle-{name}", "http-small", "rate")
    cost = 1 - r / plain if plain and r else None
    print(f"| http-small | {what}: req/s, cost against one plain route | | | {fmt(r, 0)} vs {fmt(plain, 0)} |"
          f" {fmt(100 * cost if cost is not None else None)} % | < 10 % | {'yes' if cost is not None and cost < 0.10 else '**no**'} |")
for scenario, key, d in (("http-small", "rate", 0), ("ws-echo", "rate", 0)):
    one, two = med(S, "passerelle-io1", scenario, key), med(S, "passerelle-io2", scenario, key)
    g = two / one if one and two else None
    print(f"| {scenario} | io.threads 2 over 1 (both CPUs), {'req/s' if scenario == 'http-small' else 'msg/s'} | | |"
          f" {fmt(two, 0)} vs {fmt(one, 0)} | {fmt(g, 2)}× | ≥ 1.6× | {'yes' if g and g >= 1.6 else '**no**'} |")
print()
print(f"Raw results: {peers}, {variants}, {scaling}.")
PY
cat "$BENCH_RESULTS/table-$stamp.md"
