# Shared by the reliability/ scripts (sourced, not run). They use the benchmark harness's tools
# (../shared/bench: backend_http, ws_echo, wsbench; built into target/bench-bin) and a fresh copy
# of the built distribution, exactly as bench/run.sh does, and stop by PID whatever they start.
# Everything stays on 127.0.0.1; every loop is bounded.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bench/common.sh"
rel_port=18400
rel_pids=()

# rel_backends: the harness's backends on 18080 (HTTP: /small = 100 B, /big = 1 MiB) and 18081 (WebSocket echo)
rel_backends() {
    for p in 18080 18081 "$rel_port"; do
        if ss -ltn | grep -q ":$p "; then echo "port $p is taken: stop what listens there first" >&2; exit 1; fi
    done
    "$BENCH_BIN/backend_http" 18080 > /dev/null 2>&1 & rel_pids+=($!)
    "$BENCH_BIN/ws_echo" 18081 > /dev/null 2>&1 & rel_pids+=($!)
}

# rel_proxy DIR [NOFILE]: a fresh copy of the distribution in DIR on 127.0.0.1:18400 (bench/common.sh's
# mapping, access log off), its open-files limit set to NOFILE when given; waits for the listener.
# Its JVM's PID is in $proxy_pid.
rel_proxy() {
    local dir="$1" nofile="${2:-}"
    mkdir -p "$(dirname "$dir")"
    bench_copy "$dir" "$rel_port"
    # a shell user for bin/client (the distribution ships none), on an SSH port of its own
    sed -i -e 's/^#karaf = karaf,_g_:admingroup/karaf = karaf,_g_:admingroup/' \
        -e 's/^#_g_\\:admingroup = /_g_\\:admingroup = /' "$dir/etc/users.properties"
    sed -i -E 's/^sshPort *= *.*/sshPort = 18401/' "$dir/etc/org.apache.karaf.shell.cfg"
    if [ -n "$nofile" ]; then
        (cd "$dir" && KARAF_EXEC=exec nohup prlimit --nofile="$nofile:$nofile" bin/karaf server \
            > "$dir/karaf.out" 2>&1 < /dev/null & echo $! > "$dir/karaf.pid")
    else
        (cd "$dir" && KARAF_EXEC=exec nohup bin/karaf server > "$dir/karaf.out" 2>&1 < /dev/null &
         echo $! > "$dir/karaf.pid")
    fi
    rel_pids+=("$(cat "$dir/karaf.pid")")
    proxy_dir="$dir"
    for _ in $(seq 1 120); do
        if curl -s -o /dev/null "http://127.0.0.1:$rel_port/small"; then
            # Karaf writes its JVM's PID into karaf.pid once it runs (the launcher's may differ)
            proxy_pid="$(cat "$dir/karaf.pid")"
            rel_pids+=("$proxy_pid")
            return 0
        fi
        sleep 1
    done
    echo "Passerelle did not answer on $rel_port; see $dir/data/log/karaf.log" >&2
    exit 1
}

rel_stop() {
    for p in "${rel_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
        local alive=0
        for p in "${rel_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && return 0
        sleep 0.5
    done
    for p in "${rel_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap rel_stop EXIT

# live_heap_kib PID: the JVM's live heap (KiB), as the benchmark harness measures it: the class
# histogram walks the live objects after a full GC, in one step (a GC.run then a GC.heap_info would
# also count what a loaded proxy allocates between the two)
live_heap_kib() {
    jcmd "$1" GC.class_histogram | awk '$1 == "Total" { printf "%d\n", $3 / 1024 }'
}

# fds PID: open file descriptors of the process
fds() {
    ls "/proc/$1/fd" | wc -l
}

# shell COMMAND: runs a Karaf shell command in the running copy (bin/client over SSH on 18401)
shell() {
    # bin/client ends its session when its input ends: it gets a line, not /dev/null
    echo | "$proxy_dir/bin/client" -a 18401 -h 127.0.0.1 -u karaf -p karaf -r 10 -d 2 "$1" 2>/dev/null
}
