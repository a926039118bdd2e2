package dsys.launcher.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client of every cell: N threads, each looping acquire → release with no think time (closed loop), on its own
 * lock or all on one. One op is the pair. Latencies go into an HdrHistogram; errors are counted and the first kept.
 */
final class ClosedLoop {

    record Result(double opsPerSecond, double p50Ms, double p99Ms, long ops, long errors, String firstError) {
    }

    static Result run(LockTarget target, int clients, boolean oneLock, Duration length, String tag) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            String name = oneLock ? tag : tag + "-" + c;
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        String hold = target.acquire(client, name);
                        target.release(client, name, hold);
                        recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                        if (e instanceof InterruptedException) return;
                    }
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new Result(h.getTotalCount() / seconds, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getTotalCount(), errors.get(), firstError.get());
    }
}
