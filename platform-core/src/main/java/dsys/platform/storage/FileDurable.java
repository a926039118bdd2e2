package dsys.platform.storage;

import dsys.core.env.Durable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A node's durable state: an in-memory map in front of a write-ahead log ({@code wal.log}) of checksummed batches.
 *
 * <p>A put or remove is applied to the map and added to the pending batch; {@link #sync()} writes that batch and
 * forces it (one fsync for every operation since the last: the node runtime calls it once per run of core steps
 * before any of their replies or messages leave, which is the group commit). When the log has grown to several
 * times the live data it is rewritten from the map — which already holds every operation — into a new file that
 * is forced, renamed over the old one and made durable with a directory fsync. The log keeps zeros written ahead of
 * its end, so an fsync need not also record a new file size; a rewrite ends its snapshot with a mark, so damage in
 * the snapshot is never taken for a torn write. Opening replays the log, drops a
 * torn last batch and refuses one damaged in the middle ({@link WalRecovery}).
 *
 * <p>Any write or fsync error is final ({@link StorageFailedException}): the store refuses every later call and
 * tells its failure listener, so the node stops instead of acknowledging what may not be on disk.
 *
 * <p>Chosen over an embedded engine (RocksDB) because the failure rules stay visible and testable here (tests
 * inject failed fsyncs, full disks and torn writes through {@link DiskIo}), a node reopens in-process, and the
 * state of every service so far fits in memory. What it costs: all live data is in the heap, and a rewrite holds
 * writers for the time it takes to write the live data once (amortised by the growth factor).
 */
public final class FileDurable implements Durable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileDurable.class);
    static final String LOG = "wal.log";
    static final String TMP = "wal.log.tmp";
    /** The log is rewritten when it is this many times the live data, and at least {@link #DEFAULT_MIN_REWRITE}. */
    static final int GROWTH = 4;
    public static final long DEFAULT_MIN_REWRITE = 4 << 20;
    private static final int SNAPSHOT_CHUNK = 1 << 20;

    private final Path dir;
    private final Path file;
    private final DiskIo io;
    private final long minRewrite;
    // A hash map: every put and get touches it (a kv put three times per replica); only scan, at restore, wants order.
    private final Map<String, String> data = new HashMap<>();         // guarded by this
    private WalBatch pending = new WalBatch();                         // guarded by this
    private long appended;                                             // operations so far; guarded by this
    private long forced;                                               // operations up to the last forced one; guarded by this
    private volatile long durable;                                     // operations on disk
    private long liveBytes;                                            // estimate of the map's encoded size
    private long logBytes;                                             // estimate of the log's size
    private final Object syncLock = new Object();                     // taken before this, never after
    private DiskIo.LogChannel channel;                                 // guarded by syncLock
    private volatile StorageFailedException failure;
    private volatile boolean closed;
    private volatile Consumer<StorageFailedException> onFailure = f -> { };
    private volatile long syncs;                                       // fsyncs of the log; written under syncLock

    public FileDurable(Path dir) {
        this(dir, DiskIo.REAL, DEFAULT_MIN_REWRITE);
    }

    public FileDurable(Path dir, DiskIo io, long minRewrite) {
        this.dir = dir;
        this.file = dir.resolve(LOG);
        this.io = io;
        this.minRewrite = minRewrite;
        try {
            Files.createDirectories(dir);
            if (io.exists(dir.resolve(TMP))) io.delete(dir.resolve(TMP)); // a rewrite that did not finish
            Path legacy = dir.resolve(LegacyJsonLog.FILE);
            WalBatch.Visitor load = loader();
            if (io.exists(file)) WalRecovery.replay(file, io.read(file), load);
            else if (io.exists(legacy)) LegacyJsonLog.replay(io.read(legacy), load);
            synchronized (syncLock) {
                synchronized (this) {
                    rewrite(); // a fresh file: no torn tail left behind to append after
                }
            }
            if (io.exists(legacy)) io.delete(legacy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open durable storage in " + dir, e);
        }
    }

    private WalBatch.Visitor loader() {
        return new WalBatch.Visitor() {
            @Override
            public void put(String key, String value) {
                String old = data.put(key, value);
                liveBytes += size(key, value) - (old == null ? 0 : size(key, old));
            }

            @Override
            public void remove(String key) {
                String old = data.remove(key);
                if (old != null) liveBytes -= size(key, old);
            }
        };
    }

    /** Called once, from the thread that met the failure, when a write or fsync fails. */
    public void onFailure(Consumer<StorageFailedException> listener) {
        this.onFailure = listener;
    }

    @Override
    public void put(String key, String value) {
        put(key, value, true);
    }

    @Override
    public void putLazily(String key, String value) {
        put(key, value, false);
    }

    private void put(String key, String value, boolean force) {
        if (key == null || value == null) throw new IllegalArgumentException("key and value must not be null");
        boolean rewrite;
        synchronized (this) {
            checkUsable();
            String old = data.put(key, value);
            pending.put(key, value);
            appended++;
            if (force) forced = appended;
            liveBytes += size(key, value) - (old == null ? 0 : size(key, old));
            rewrite = grew(size(key, value));
        }
        if (rewrite) rewriteNow();
    }

    @Override
    public void remove(String key) {
        boolean rewrite;
        synchronized (this) {
            checkUsable();
            String old = data.remove(key);
            if (old == null) return;
            pending.remove(key);
            appended++;
            forced = appended;
            liveBytes -= size(key, old);
            rewrite = grew(size(key, ""));
        }
        if (rewrite) rewriteNow();
    }

    @Override
    public synchronized Optional<String> get(String key) {
        checkUsable();
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public synchronized SortedMap<String, String> scan(String prefix) {
        checkUsable();
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : data.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey(), e.getValue());
        return Collections.unmodifiableSortedMap(out);
    }

    /** Everything so far: the log is sequential, so the last lazy put reaches the disk only with every write before it. */
    @Override
    public synchronized void forceLazy() {
        forced = appended;
    }

    /** True when operations were applied that are not yet on disk. */
    public synchronized boolean dirty() {
        return durable != appended;
    }

    /** True when a forced operation ({@link #put}, {@link #remove}) is not yet on disk: outputs must wait for an fsync. */
    public synchronized boolean mustSync() {
        return durable < forced;
    }

    /** Operations applied so far, and so far on disk: the difference is what a crash now would lose. */
    public synchronized long appended() {
        return appended;
    }

    public long durable() {
        return durable;
    }

    /** Forces of the log so far (each one covers every operation appended before it: group commit). */
    public long syncs() {
        return syncs; // read without syncLock: a metrics scrape must not wait for an fsync in flight
    }

    public boolean failed() {
        return failure != null;
    }

    /**
     * Makes every operation applied so far durable. Group commit: a caller that finds an fsync in flight waits for
     * it, then returns at once if the next fsync of another caller already covered its operations; else one write
     * and one fsync cover everything applied until then, its own and everyone's queued behind it.
     */
    public void sync() {
        long mine = appended();
        synchronized (syncLock) {
            ByteBuffer batch;
            long upTo;
            synchronized (this) {
                checkUsable();
                if (durable >= mine) return;
                upTo = appended;
                batch = pending.seal();
            }
            try {
                channel.write(batch);
                channel.force();
                syncs++;
            } catch (IOException | RuntimeException e) {
                throw fail("durable sync failed: " + file, e);
            }
            durable = upTo;
        }
    }

    private void rewriteNow() {
        synchronized (syncLock) {
            synchronized (this) {
                checkUsable();
                if (logBytes > rewriteThreshold()) rewrite(); // another thread may have rewritten it already
            }
        }
    }

    private boolean grew(long bytes) {
        logBytes += bytes;
        return logBytes > rewriteThreshold();
    }

    private long rewriteThreshold() {
        return Math.max(minRewrite, GROWTH * liveBytes);
    }

    /** Writes the map to a new log and puts it in place of the old one; everything applied is then durable. */
    private void rewrite() {
        Path tmp = dir.resolve(TMP);
        try {
            if (channel != null) channel.close();
            channel = null;
            long written = WalRecovery.MAGIC.length;
            try (DiskIo.LogChannel out = io.create(tmp)) {
                out.write(ByteBuffer.wrap(WalRecovery.MAGIC));
                WalBatch chunk = new WalBatch();
                int chunkBytes = 0;
                for (Map.Entry<String, String> e : data.entrySet()) {
                    chunk.put(e.getKey(), e.getValue());
                    chunkBytes += size(e.getKey(), e.getValue());
                    if (chunkBytes >= SNAPSHOT_CHUNK) {
                        written += writeAll(out, chunk.seal());
                        chunkBytes = 0;
                    }
                }
                if (!chunk.isEmpty()) written += writeAll(out, chunk.seal());
                // This file is forced whole before it replaces the log, so none of it can be a torn write: a batch
                // after the snapshot makes damage in its last batch "damage before an intact batch", refused on
                // reopening, instead of a torn tail whose keys would be dropped.
                chunk.mark("snapshot-end");
                written += writeAll(out, chunk.seal());
                out.force();
            }
            io.replace(tmp, file);
            io.syncDirectory(dir);
            channel = io.append(file);
            syncs++;
            pending = new WalBatch(); // its operations are in the map, so in the new file
            logBytes = written;
            durable = appended;
        } catch (IOException | RuntimeException e) {
            throw fail("durable rewrite failed: " + file, e);
        }
    }

    private static int writeAll(DiskIo.LogChannel out, ByteBuffer b) throws IOException {
        int n = b.remaining();
        out.write(b);
        return n;
    }

    private static long size(String key, String value) {
        return 9L + key.length() + value.length(); // chars, not UTF-8 bytes: it only paces the rewrites
    }

    private void checkUsable() {
        if (failure != null) throw failure;
        if (closed) throw new IllegalStateException("durable storage in " + dir + " is closed");
    }

    private StorageFailedException fail(String what, Throwable cause) {
        StorageFailedException f;
        synchronized (this) {
            if (failure != null) return failure;
            failure = f = new StorageFailedException(what + " (fail-stop: this store accepts nothing more)", cause);
        }
        log.error("{}: storage failed, the node stops using it", dir, cause);
        try {
            if (channel != null) channel.close();
        } catch (IOException | RuntimeException ignored) {
            // already failed; the restart replays what is on disk
        }
        onFailure.accept(f);
        return f;
    }

    @Override
    public void close() throws IOException {
        if (failure != null || closed) return;
        sync();
        synchronized (syncLock) {
            closed = true;
            if (channel != null) channel.close();
            channel = null;
        }
    }
}
