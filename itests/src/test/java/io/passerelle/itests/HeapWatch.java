package io.passerelle.itests;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Heap of the JVM the test runs in (inside Karaf: the proxy's JVM). {@link #start()} takes a
 * baseline (heap used after {@code System.gc()}) and samples the heap used every 100 ms from
 * a thread of its own; {@link #stop()} ends the sampling and takes the heap used after
 * {@code System.gc()} again.
 *
 * <p>Two figures are sampled: the heap used as {@link MemoryMXBean} reports it (live data
 * plus garbage not yet collected), and the heap used outside the young generation's eden
 * (survivor and old spaces, humongous objects included): what has survived a collection.
 */
final class HeapWatch {

    static final long MIB = 1024L * 1024;
    private static final long SAMPLE_INTERVAL_MS = 100;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<MemoryPoolMXBean> nonEdenHeapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && !p.getName().toLowerCase(Locale.ROOT).contains("eden"))
        .collect(Collectors.toList());
    private final long baseline;
    private final long gcsBefore;
    private final long startNanos;
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakNonEden = new AtomicLong();
    private final AtomicInteger samples = new AtomicInteger();
    private final ScheduledExecutorService sampler;

    private HeapWatch() {
        baseline = usedAfterGc(memory);
        gcsBefore = collections();
        startNanos = System.nanoTime();
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heap-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Collects garbage, takes the baseline and starts sampling. */
    static HeapWatch start() {
        return new HeapWatch();
    }

    private void sample() {
        peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        long nonEden = 0;
        for (MemoryPoolMXBean pool : nonEdenHeapPools) {
            nonEden += pool.getUsage().getUsed();
        }
        peakNonEden.accumulateAndGet(nonEden, Math::max);
        samples.incrementAndGet();
    }

    /** Stops sampling (after one last sample) and measures the heap used after collecting garbage. */
    Figures stop() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        long gcs = collections() - gcsBefore;
        long after = usedAfterGc(memory);
        return new Figures(baseline, peakUsed.get(), peakNonEden.get(), after, samples.get(), gcs, millis,
            memory.getHeapMemoryUsage().getMax());
    }

    /**
     * Heap used after {@code System.gc()}; collects again while that frees more than 1 MiB
     * (objects freed by a collection's reference processing go in the next one).
     */
    private static long usedAfterGc(MemoryMXBean memory) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            boolean progress = best - used > MIB;
            best = Math.min(best, used);
            if (!progress) {
                break;
            }
        }
        return best;
    }

    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /**
     * What one watch measured, in bytes.
     *
     * @param baseline    heap used after GC before the transfer
     * @param peakUsed    largest heap used sampled during the transfer (garbage included)
     * @param peakNonEden largest heap used outside eden sampled during the transfer
     * @param after       heap used after GC after the transfer
     * @param samples     how many samples were taken
     * @param collections garbage collections during the transfer (the explicit ones excluded)
     * @param millis      how long the sampling lasted
     * @param max         the heap's maximum size
     */
    record Figures(long baseline, long peakUsed, long peakNonEden, long after, int samples, long collections,
            long millis, long max) {

        long growth() {
            return after - baseline;
        }

        long peakOverBaseline() {
            return peakUsed - baseline;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                "heap after GC %.1f MiB before -> %.1f MiB after (growth %+.1f MiB); "
                    + "peak heap used during the transfer %.1f MiB (baseline %+.1f MiB), "
                    + "peak outside eden %.1f MiB (baseline %+.1f MiB); "
                    + "%d samples over %d ms, %d GCs meanwhile, max heap %.0f MiB",
                mib(baseline), mib(after), mib(growth()),
                mib(peakUsed), mib(peakOverBaseline()),
                mib(peakNonEden), mib(peakNonEden - baseline),
                samples, millis, collections, mib(max));
        }
    }

    static double mib(long bytes) {
        return bytes / (double) MIB;
    }
}
