package dsys.platform.storage.bench;

import dsys.platform.storage.FileDurable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable puts as writers see them: each op is a put of a 100-byte value that returns only once it is on disk.
 * Threads contend like a node's request threads do; the log's group commit lets one fsync cover every put that
 * queued behind the one in flight. Reports ops/s and fsyncs per op. Run with {@code scripts/storage-bench.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FileDurableBench {

    @State(Scope.Benchmark)
    public static class Store {
        @Param({"1000"})
        public int keys;
        FileDurable durable;
        Path dir;
        final String value = "v".repeat(100);

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("dsys-storage-bench");
            durable = new FileDurable(dir);
        }

        final LongAdder ops = new LongAdder();
        long syncsAtStart;

        @Setup(Level.Iteration)
        public void startIteration() {
            ops.reset();
            syncsAtStart = durable.syncs();
        }

        /** Fsyncs per durable put in the iteration: 1.0 without group commit, less with it. */
        @TearDown(Level.Iteration)
        public void endIteration() {
            long fsyncs = durable.syncs() - syncsAtStart;
            System.out.printf(Locale.ROOT, "%n# fsyncs per put: %.3f (%d puts, %d fsyncs)%n",
                    (double) fsyncs / Math.max(1, ops.sum()), ops.sum(), fsyncs);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            durable.close();
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    @Benchmark
    public void durablePut(Store s) {
        s.durable.put("k/" + ThreadLocalRandom.current().nextInt(s.keys), s.value);
        s.durable.sync();
        s.ops.increment();
    }
}
