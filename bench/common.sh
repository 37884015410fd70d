# Shared by bench/run.sh and bench/variants.sh (sourced, not run): the harness's tools and a
# built distribution, and fresh copies of it configured the way the harness maps every proxy.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${SHARED:-$here/../shared}/bench"
export BENCH_RESULTS="$here/target/bench-results" BENCH_BIN="$here/target/bench-bin"
mkdir -p "$BENCH_RESULTS" "$BENCH_BIN"
make -s -C "$shared" BINDIR="$BENCH_BIN" >/dev/null
[ -x "$here/karaf-assembly/target/assembly/bin/karaf" ] || (cd "$here" && mvn -q -DskipTests install)

# bench_copy DIR PORT [ASSEMBLY]: a fresh copy of the distribution (this build's, or the unpacked
# assembly ASSEMBLY of another) in DIR listening on 127.0.0.1:PORT with the harness's mapping
# (/ws/ -> ws://127.0.0.1:18081/, everything else -> http://127.0.0.1:18080/) and the access log
# off, as the peers run without one; with IO_THREADS set, its io.passerelle.core io.threads (the
# peers run one worker: bench/table.sh sets 1)
bench_copy() {
    local dir="$1" port="$2" from="${3:-$here/karaf-assembly/target/assembly}" logging="$1/etc/org.ops4j.pax.logging.cfg"
    rm -rf "$dir" && cp -a "$from" "$dir"
    printf 'port = %s\nhost = 127.0.0.1\n' "$port" > "$dir/etc/io.passerelle.listener-main.cfg"
    printf 'path = /\nurl = http://127.0.0.1:18080/\n' > "$dir/etc/io.passerelle.route-bench.cfg"
    printf 'path = /ws/\nurl = ws://127.0.0.1:18081/\n' > "$dir/etc/io.passerelle.route-bench-ws.cfg"
    if [ -n "${IO_THREADS:-}" ]; then
        printf 'io.threads = %s\n' "$IO_THREADS" > "$dir/etc/io.passerelle.core.cfg"
    fi
    # the distribution declares the access logger once, as passerelleAccess: a second declaration
    # of the same logger would be ignored by log4j
    sed -i 's/^log4j2.logger.passerelleAccess.level = .*/log4j2.logger.passerelleAccess.level = OFF/' "$logging"
    grep -q '^log4j2.logger.passerelleAccess.level = OFF$' "$logging" \
        || { echo "could not switch the access log off in $logging" >&2; exit 1; }
}

# bench_start DIR [CPUS]: starts the copy in DIR pinned to CPU 0 like the peers (or to CPUS, e.g. 0,1);
# its JVM's PID goes to DIR/karaf.pid
bench_start() {
    local dir="$1" cpus="${2:-0}"
    (cd "$dir" && KARAF_EXEC=exec nohup taskset -c "$cpus" bin/karaf server > "$dir/karaf.out" 2>&1 < /dev/null &
     echo $! > "$dir/karaf.pid")
}
