package io.passerelle.http.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What the kernel holds for some TCP connections of this machine: the send and receive queues ({@code tx_queue},
 * {@code rx_queue} of {@code /proc/net/tcp} and {@code tcp6}) of every socket with one of the given ports at
 * either end. A test subtracts them from what a peer wrote to know what the proxy itself holds.
 */
final class TcpQueues {

    private TcpQueues() {
    }

    static long kernelBytes(Set<Integer> ports) throws IOException {
        long sum = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int local = port(f[1]);
                int remote = port(f[2]);
                if (ports.contains(local) || ports.contains(remote)) {
                    String[] queues = f[4].split(":");
                    sum += Long.parseLong(queues[0], 16) + Long.parseLong(queues[1], 16);
                }
            }
        }
        return sum;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
