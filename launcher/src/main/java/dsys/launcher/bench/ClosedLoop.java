package dsys.launcher.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The client of every cell of every benchmark: N threads, each calling its op in a loop with no think time (closed
 * loop). Latencies go into an HdrHistogram; errors are counted and the first kept.
 */
final class ClosedLoop {

    /** One operation of client {@code client}, its {@code n}-th (from 0): a lock's acquire + release, a put, a get. */
    @FunctionalInterface
    interface ClientOp {
        void call(int client, long n) throws Exception;
    }

    record Result(double opsPerSecond, double p50Ms, double p99Ms, long ops, long errors, String firstError) {
    }

    /** The median over a cell's rounds of one figure of its results. */
    static <T> double median(List<T> results, ToDoubleFunction<T> figure) {
        double[] v = results.stream().mapToDouble(figure).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private ClosedLoop() {
    }

    static Result run(int clients, Duration length, ClientOp op) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long end = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    long t0 = System.nanoTime();
                    try {
                        op.call(client, n);
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
