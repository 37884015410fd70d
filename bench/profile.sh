#!/usr/bin/env bash
# Where Passerelle's CPU goes in one harness scenario: a JFR recording (Java frames, sampled every
# 10 ms of CPU) taken while the harness runs SCENARIO against a fresh copy of the distribution
# (pinned to CPU 0, io.threads = 1, access log off, as bench/table.sh measures it), summarised as
# the hottest methods (self time) and the hottest packages of the I/O thread. The JVM's own view
# stops at the system call: `top -H` beside it shows how much of the thread is kernel time.
#
#   bench/profile.sh ws-handshake        (or ws-echo, http-small, ...)
#   ASSEMBLY=/tmp/before/karaf-assembly/target/assembly bench/profile.sh ws-echo   (another build)
#
# The recording stays in target/bench-profile/SCENARIO.jfr for `jfr print` or JDK Mission Control.
set -euo pipefail
scenario="${1:?a scenario of the shared harness, e.g. ws-handshake}"
source "$(dirname "$0")/common.sh"
run="$here/target/bench-profile/run"
out="$here/target/bench-profile"
mkdir -p "$out"
IO_THREADS=1 bench_copy "$run" 18430 "${ASSEMBLY:-}"
bench_start "$run"
pid="$(cat "$run/karaf.pid")"
trap 'kill "$pid" 2>/dev/null || true; sleep 2; pkill -9 -f -- "-Dkaraf.base=$run " 2>/dev/null || true' EXIT
if ss -ltn | grep -q ':18430 '; then echo "port 18430 is taken: stop what listens there first" >&2; exit 1; fi
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:18430/small" && break; sleep 1; done
# Karaf writes its JVM's PID into karaf.pid once it runs (the launcher's, written before, may be a shell)
jvm="$(cat "$run/karaf.pid")"
[ "$(cat "/proc/$jvm/comm")" = java ] || { echo "no JVM at PID $jvm" >&2; exit 1; }
# one unrecorded run warms the JIT up, the second is recorded
"$shared/run.sh" "$scenario" --proxy custom 127.0.0.1:18430 --pids "$pid" --name passerelle --warmup 10 \
    --out "$out/warmup.jsonl" > /dev/null
jcmd "$jvm" JFR.start name=bench settings=profile filename="$out/$scenario.jfr" > /dev/null
"$shared/run.sh" "$scenario" --proxy custom 127.0.0.1:18430 --pids "$pid" --name passerelle --warmup 2 \
    --out "$out/profiled.jsonl" | grep -E 'rate=' || true
jcmd "$jvm" JFR.stop name=bench > /dev/null
jfr print --stack-depth 30 --events jdk.ExecutionSample,jdk.NativeMethodSample "$out/$scenario.jfr" > "$out/$scenario.samples.txt"
python3 - "$out/$scenario.samples.txt" <<'PY'
import collections, re, sys
samples, self_m, pkg, native = [], collections.Counter(), collections.Counter(), collections.Counter()
cur = None
for line in open(sys.argv[1]):
    if line.startswith("jdk.ExecutionSample") or line.startswith("jdk.NativeMethodSample"):
        cur = {"thread": None, "frames": [], "native": line.startswith("jdk.Native")}
        samples.append(cur)
    elif cur is not None:
        m = re.match(r'\s+sampledThread = "([^"]*)"', line)
        if m:
            cur["thread"] = m.group(1)
        m = re.match(r'\s+([\w$.<>]+)\(.*\)(\s+line:.*)?$', line)
        if m:
            cur["frames"].append(m.group(1))
# MINA names a processor's thread after its class while it runs (ProcessorPool's: Processor-N)
io = [s for s in samples if s["thread"] and re.match(r"(passerelle-io|Processor-|NioProcessor-)", s["thread"])]
java = [s for s in io if not s["native"]]
nat = [s for s in io if s["native"]]
print(f"I/O thread: {len(java)} samples in Java code, {len(nat)} in native calls (system calls)")
for s in nat:
    if s["frames"]:
        native[s["frames"][0]] += 1
print("\nnative calls the I/O thread was in (share of its native samples):")
for m, n in native.most_common(10):
    print(f"  {100.0 * n / max(1, len(nat)):5.1f} %  {m}")
io = java
for s in io:
    if s["frames"]:
        self_m[s["frames"][0]] += 1
        top = s["frames"][0].rsplit(".", 2)[0]
        pkg[top] += 1
print("\nhottest methods (self, I/O thread, Java samples):")
for m, n in self_m.most_common(20):
    print(f"  {100.0 * n / max(1, len(io)):5.1f} %  {m}")
print("\nhottest packages (self, I/O thread, Java samples):")
for m, n in pkg.most_common(12):
    print(f"  {100.0 * n / max(1, len(io)):5.1f} %  {m}")
PY
