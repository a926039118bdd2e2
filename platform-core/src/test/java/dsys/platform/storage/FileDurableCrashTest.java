package dsys.platform.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kill -9 and power cuts at every count: after every acknowledged (synced) operation the files are copied as
 * a crash would leave them and reopened without {@code close()}; the reopened store must hold exactly what the
 * model holds. Counts run past many rewrites of the log (a small rewrite threshold puts an edge every few dozen
 * operations) and past torn writes of every length.
 */
class FileDurableCrashTest {

    static final int OPERATIONS = 5000;
    static final String[] VALUES = {"1", "ünïcødé", "値段", "😀 emoji", "", "x".repeat(70)};

    @TempDir
    Path dir;
    @TempDir
    Path crashes;

    @Test
    void killNineAfterEveryAcknowledgedPutOrRemoveLosesNothing() throws IOException {
        FaultyDiskIo io = new FaultyDiskIo();
        TreeMap<String, String> model = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(42);
        FileDurable d = new FileDurable(dir, io, 1500);
        int changes = 0;
        for (int n = 1; n <= OPERATIONS; n++) {
            if (apply(d, model, random)) changes++;
            d.sync(); // acknowledged from here on
            Path image = crashes.resolve("kill-" + n);
            copy(dir, image); // kill -9: the page cache keeps every write that returned
            assertReopensAs(image, model, n);
            if (n % 2 == 0) io.powerLossImage(dir, crashes.resolve("power-" + n));
            if (n % 2 == 0) assertReopensAs(crashes.resolve("power-" + n), model, n);
        }
        assertThat(io.forces()).isGreaterThanOrEqualTo(changes); // every change was really forced
    }

    @Test
    void aPowerCutLosesExactlyWhatWasNotForced() throws IOException {
        FaultyDiskIo io = new FaultyDiskIo();
        TreeMap<String, String> model = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(7);
        FileDurable d = new FileDurable(dir, io, 1500);
        for (int n = 1; n <= 1000; n++) {
            apply(d, model, random);
            d.sync();
            TreeMap<String, String> acknowledged = new TreeMap<>(model);
            apply(d, model, random); // not acknowledged: lost, unless it set off a rewrite (which forces)
            Path image = crashes.resolve("power-" + n);
            io.powerLossImage(dir, image);
            assertReopensAs(image, d.dirty() ? acknowledged : model, n);
            d.sync();
        }
    }

    @Test
    void aLastBatchTornAtAnyByteIsDroppedWhateverItsEncoding() throws IOException {
        try (FileDurable d = new FileDurable(dir)) {
            d.put("before", "kept");
            d.sync();
            d.put("ключ", "値😀ünï");
            d.remove("before-nothing");
            d.put("before", "replaced 値");
        }
        byte[] file = Files.readAllBytes(dir.resolve(FileDurable.LOG));
        byte[] whole = Arrays.copyOf(file, dataEnd(file)); // without the zeros written ahead of its end
        assertThat(file.length).as("zeros ahead of the log's end").isGreaterThan(whole.length);
        int lastBatch = lastBatchStart(whole);
        for (int cut = lastBatch; cut < whole.length; cut++) {
            // torn at the end of the file, and torn inside the zeros written ahead (the rest of the batch still 0)
            for (int length : new int[]{cut, whole.length + 64}) {
                Path image = crashes.resolve("cut-" + cut + "-" + length);
                Files.createDirectories(image);
                Files.write(image.resolve(FileDurable.LOG), Arrays.copyOf(Arrays.copyOf(whole, cut), length));
                try (FileDurable d = new FileDurable(image)) {
                    assertThat(d.scan("")).as("cut at byte %d of %d", cut, length)
                            .containsExactly(java.util.Map.entry("before", "kept"));
                }
            }
        }
        Path garbage = crashes.resolve("garbage");
        Files.createDirectories(garbage);
        byte[] withGarbage = Arrays.copyOf(whole, whole.length + 37);
        Arrays.fill(withGarbage, whole.length, withGarbage.length, (byte) 0xE2); // a lead byte of UTF-8, repeated
        Files.write(garbage.resolve(FileDurable.LOG), withGarbage);
        try (FileDurable d = new FileDurable(garbage)) {
            assertThat(d.get("ключ")).contains("値😀ünï");
        }
    }

    @Test
    void theZerosAheadOfTheLogsEndReadAsItsEndAndHideNoDamage() throws IOException {
        try (FileDurable d = new FileDurable(dir)) {
            for (int i = 0; i < 300; i++) {
                d.put("k" + i, "v" + i);
                d.sync();
            }
        }
        Path log = dir.resolve(FileDurable.LOG);
        byte[] file = Files.readAllBytes(log);
        int end = dataEnd(file);
        assertThat(file.length - end).as("zeros ahead").isGreaterThanOrEqualTo(RealDiskIo.AHEAD / 2);
        assertThat(WalBatch.replay(file, end, new Collect())).as("8 zero bytes are no batch").isEqualTo(-1);
        Path damaged = crashes.resolve("damaged");
        Files.createDirectories(damaged);
        byte[] copy = file.clone();
        copy[WalRecovery.MAGIC.length + WalBatch.HEADER + 2] ^= 0x40; // the first batch, with intact ones after it
        Files.write(damaged.resolve(FileDurable.LOG), copy);
        assertThatThrownBy(() -> new FileDurable(damaged)).isInstanceOf(CorruptLogException.class);
        try (FileDurable d = new FileDurable(dir)) {
            assertThat(d.scan("")).hasSize(300);
        }
    }

    /* A rewrite is forced whole before it replaces the log: damage in its last batch is not a torn write. */
    @Test
    void damageInTheLastBatchOfARewrittenLogIsRefusedNotDropped() throws IOException {
        try (FileDurable d = new FileDurable(dir)) {
            for (int i = 0; i < 50; i++) d.put("k" + i, "v" + i);
        }
        new FileDurable(dir).close(); // reopening rewrites the log: its data is now one snapshot batch
        Path log = dir.resolve(FileDurable.LOG);
        byte[] file = Files.readAllBytes(log);
        assertThat(lastBatchStart(file)).as("a batch follows the snapshot").isGreaterThan(WalRecovery.MAGIC.length);
        file[WalRecovery.MAGIC.length + WalBatch.HEADER + 5] ^= 0x01; // inside the snapshot's (only) data batch
        Files.write(log, file);
        assertThatThrownBy(() -> new FileDurable(dir)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("intact batch follows");
    }

    @Test
    void damageBeforeAnIntactBatchIsRefusedNotSkipped() throws IOException {
        try (FileDurable d = new FileDurable(dir)) {
            d.put("a", "1");
            d.sync();
            d.put("b", "2");
            d.sync();
        }
        byte[] log = Files.readAllBytes(dir.resolve(FileDurable.LOG));
        log[WalRecovery.MAGIC.length + WalBatch.HEADER + 2] ^= 0x40; // inside the first batch
        Files.write(dir.resolve(FileDurable.LOG), log);
        assertThatThrownBy(() -> new FileDurable(dir)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("intact batch follows");
    }

    @Test
    void aCrashInTheMiddleOfAWriteLeavesATailThatIsDropped() throws IOException {
        WalBatch b = new WalBatch();
        b.put("b", "ünïcødé 値");
        int whole = b.seal().remaining();
        for (int keep = 0; keep < whole; keep++) { // every strict prefix of the batch
            Path d = crashes.resolve("tear-" + keep);
            FaultyDiskIo io = new FaultyDiskIo();
            FileDurable store = new FileDurable(d, io, FileDurable.DEFAULT_MIN_REWRITE);
            store.put("a", "1");
            store.sync();
            store.put("b", "ünïcødé 値");
            io.tearNextWrite(keep);
            assertThatThrownBy(store::sync).isInstanceOf(StorageFailedException.class);
            try (FileDurable reopened = new FileDurable(d)) {
                assertThat(reopened.scan("")).as("torn after %d bytes", keep).containsOnlyKeys("a");
            }
        }
    }

    /** One random put or remove on both; true when it changed something. */
    private static boolean apply(FileDurable d, TreeMap<String, String> model, SplittableRandom random) {
        String key = "k/" + random.nextInt(25) + (random.nextInt(4) == 0 ? "/値" : "");
        if (random.nextInt(4) == 0) {
            d.remove(key);
            return model.remove(key) != null;
        }
        String value = VALUES[random.nextInt(VALUES.length)] + random.nextInt(1000);
        d.put(key, value);
        model.put(key, value);
        return true;
    }

    private static void assertReopensAs(Path image, TreeMap<String, String> model, int n) throws IOException {
        FileDurable reopened = new FileDurable(image); // never closed, like the process that died
        assertThat(reopened.scan("")).as("reopened after operation %d", n).isEqualTo(model);
        deleteTree(image);
    }

    /** Where the intact batches end. */
    private static int dataEnd(byte[] log) {
        int at = WalRecovery.MAGIC.length;
        for (int n; (n = WalBatch.replay(log, at, new Collect())) > 0; ) at += n;
        return at;
    }

    private static int lastBatchStart(byte[] log) {
        int at = WalRecovery.MAGIC.length, last = at;
        for (int n; (n = WalBatch.replay(log, at, new Collect())) > 0; at += n) last = at;
        return last;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var files = Files.list(p)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
        }
        Files.delete(p);
    }

    private static final class Collect implements WalBatch.Visitor {
        @Override
        public void put(String key, String value) {
        }

        @Override
        public void remove(String key) {
        }
    }
}
