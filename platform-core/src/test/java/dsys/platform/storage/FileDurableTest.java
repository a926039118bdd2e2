package dsys.platform.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log's basic contract, group commit, the legacy format, and fail-stop on write and fsync errors. */
class FileDurableTest {

    @TempDir
    Path dir;

    @Test
    void whatWasPutSurvivesReopening() throws Exception {
        try (FileDurable d = new FileDurable(dir)) {
            d.put("lock/a/token", "7");
            d.put("lock/b/token", "3");
            d.put("other", "x");
            d.remove("other");
        }
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("lock/a/token")).contains("7");
            assertThat(d.get("other")).isEmpty();
            assertThat(d.scan("lock/")).containsOnlyKeys("lock/a/token", "lock/b/token");
        }
    }

    @Test
    void oneFsyncCoversEveryOperationSinceTheLast() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        try (FileDurable d = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE)) {
            int before = io.forces();
            for (int i = 0; i < 100; i++) d.put("k" + i, "v" + i);
            assertThat(d.dirty()).isTrue();
            d.sync();
            assertThat(io.forces() - before).isEqualTo(1);
            assertThat(d.dirty()).isFalse();
            d.sync(); // nothing new: no fsync
            assertThat(io.forces() - before).isEqualTo(1);
        }
    }

    @Test
    void writersQueuedBehindAnFsyncInFlightShareTheNextOne() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        FileDurable d = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        int before = io.forces();
        CountDownLatch gate = new CountDownLatch(1);
        io.holdForces(gate);
        d.put("a", "1");
        CompletableFuture<Void> first = CompletableFuture.runAsync(d::sync);
        while (io.forcesWaiting() == 0) Thread.onSpinWait(); // a's fsync is in flight
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            d.put("k" + i, "v");
            queued.add(CompletableFuture.runAsync(d::sync));
        }
        gate.countDown();
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(io.forces() - before).as("one fsync for a, one for the ten queued behind it").isEqualTo(2);
        assertThat(d.dirty()).isFalse();
        d.close();
    }

    @Test
    void theLogIsRewrittenWhenItOutgrowsTheLiveData() throws Exception {
        try (FileDurable d = new FileDurable(dir, DiskIo.REAL, 4096)) {
            for (int i = 0; i < 5000; i++) {
                d.put("counter", Integer.toString(i));
                d.sync();
            }
        }
        // the log's data stays under the threshold; the file also holds the zeros written ahead of its end
        assertThat(Files.size(dir.resolve(FileDurable.LOG))).isLessThan(4096 + 100 + RealDiskIo.AHEAD);
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("counter")).contains("4999");
        }
    }

    /*
     * The live data is measured again on reopening: it was not, so a reopened store paced its rewrites by the
     * minimum alone and rewrote all its data every few MiB of appends (seen: a restarted kv node spent most of its
     * time rewriting a large store inside its serial section).
     */
    @Test
    void aReopenedStorePacesItsRewritesByTheLiveDataItLoaded() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        String value = "v".repeat(100);
        try (FileDurable d = new FileDurable(dir, io, 4096)) {
            for (int i = 0; i < 1000; i++) d.put("k" + i, value); // ~110 KiB live
            d.sync();
        }
        try (FileDurable d = new FileDurable(dir, io, 4096)) {
            int creates = io.creates();
            for (int i = 0; i < 200; i++) { // ~22 KiB appended: far below 4 × the live data
                d.put("k" + i, value + i);
                d.sync();
            }
            assertThat(io.creates() - creates).as("rewrites (each creates a new log file)").isZero();
        }
    }

    @Test
    void stateOfTheEarlierJsonFormatIsCarriedOver() throws Exception {
        Files.writeString(dir.resolve("durable.log"), """
                {"k":"fence/a","v":"12"}
                {"k":"gone","v":"x"}
                {"k":"gone"}
                {"k":"torn","v\
                """, StandardCharsets.UTF_8);
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.scan("")).containsOnlyKeys("fence/a");
            assertThat(d.get("fence/a")).contains("12");
        }
        assertThat(dir.resolve("durable.log")).doesNotExist();
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.get("fence/a")).contains("12");
        }
    }

    @Test
    void aFailedFsyncStopsTheStoreForGoodAndKeepsWhatWasForcedBefore() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        FileDurable d = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        AtomicInteger told = new AtomicInteger();
        d.onFailure(f -> told.incrementAndGet());
        d.put("a", "1");
        d.sync();
        io.failForces();
        d.put("b", "2");
        assertThatThrownBy(d::sync).isInstanceOf(StorageFailedException.class).hasMessageContaining("fail-stop");
        assertThat(told).hasValue(1);
        // no retry: after a failed fsync the kernel may have dropped the pages and report success next time
        assertThatThrownBy(d::sync).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> d.put("c", "3")).isInstanceOf(StorageFailedException.class);
        assertThatThrownBy(() -> d.get("a")).isInstanceOf(StorageFailedException.class);
        assertThat(d.failed()).isTrue();
        assertThat(told).hasValue(1);
        try (FileDurable reopened = new FileDurable(dir)) {
            assertThat(reopened.get("a")).contains("1");
            assertThat(reopened.get("c")).isEmpty();
        }
    }

    @Test
    void aFullDiskInTheMiddleOfABatchStopsTheStoreAndTheTornBatchIsDroppedOnReopen() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        FileDurable d = new FileDurable(dir, io, FileDurable.DEFAULT_MIN_REWRITE);
        d.put("a", "1");
        d.sync();
        io.diskFullAfter(10);
        d.put("b", "ünïcødé 値 😀");
        d.put("c", "3");
        assertThatThrownBy(d::sync).isInstanceOf(StorageFailedException.class).hasRootCauseMessage("No space left on device (injected)");
        assertThatThrownBy(() -> d.put("d", "4")).isInstanceOf(StorageFailedException.class);
        try (FileDurable reopened = new FileDurable(dir)) {
            assertThat(reopened.scan("")).containsOnlyKeys("a");
        }
    }

    @Test
    void aFailureDuringARewriteStopsTheStoreAndTheOldLogStillOpens() throws Exception {
        FaultyDiskIo io = new FaultyDiskIo();
        FileDurable d = new FileDurable(dir, io, 2048);
        for (int i = 0; i < 20; i++) d.put("k" + i, "v" + i);
        d.sync();
        io.diskFullAfter(100);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) d.put("k" + (i % 20), "w" + i); // soon outgrows 2 KiB: a rewrite
        }).isInstanceOf(StorageFailedException.class);
        try (FileDurable reopened = new FileDurable(dir)) {
            assertThat(reopened.get("k7")).contains("v7");
            assertThat(dir.resolve(FileDurable.TMP)).doesNotExist();
        }
    }

    @Test
    void aFileThatIsNotALogIsRefused() throws IOException {
        Files.writeString(dir.resolve(FileDurable.LOG), "hello, world");
        assertThatThrownBy(() -> new FileDurable(dir)).isInstanceOf(CorruptLogException.class).hasMessageContaining("not a dsys log");
    }
}
