package dsys.platform.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage fault injector: real files underneath, with the failures disks have. A refused fsync, a disk that
 * fills up in the middle of a write, a write torn by a crash; and {@link #powerLossImage}, the files as a power
 * cut would leave them (only what was forced). Shared with the services' tests through platform-core's test-jar.
 */
public final class FaultyDiskIo implements DiskIo {

    /* Real files, with a short run of zeros ahead of a log's end: tests copy the files after every operation. */
    private static final DiskIo REAL_FILES = new RealDiskIo(4096);

    private final Map<Path, Long> written = new ConcurrentHashMap<>();
    private final Map<Path, Long> forced = new ConcurrentHashMap<>();
    private volatile boolean failForces;
    private volatile long spaceLeft = Long.MAX_VALUE;
    private volatile int tearNextWriteAfter = -1;
    private volatile int forces;
    private volatile int creates;
    private volatile CountDownLatch gate;
    private final AtomicInteger waiting = new AtomicInteger();

    /** Every later fsync fails with EIO, as Linux reports a write-back error. */
    public FaultyDiskIo failForces() {
        failForces = true;
        return this;
    }

    /** Writes past the next {@code bytes} bytes fail with ENOSPC after writing what still fits. */
    public FaultyDiskIo diskFullAfter(long bytes) {
        spaceLeft = bytes;
        return this;
    }

    /** The next write puts only its first {@code bytes} bytes on the file, then fails (a crash mid-write). */
    public FaultyDiskIo tearNextWrite(int bytes) {
        tearNextWriteAfter = bytes;
        return this;
    }

    /** Later fsyncs wait for {@code gate} (an fsync in flight, to line writers up behind it). */
    public FaultyDiskIo holdForces(CountDownLatch gate) {
        this.gate = gate;
        return this;
    }

    /** Fsyncs that have started waiting at the gate. */
    public int forcesWaiting() {
        return waiting.get();
    }

    /** Files created: a rewrite of the log creates its new file. */
    public int creates() {
        return creates;
    }

    public int forces() {
        return forces;
    }

    /** Copies {@code dir} to {@code target} as a power cut would leave it: each file cut to what was forced. */
    public void powerLossImage(Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                long keep = forced.getOrDefault(f, Files.size(f)); // files this io never wrote were on disk already
                byte[] bytes = Files.readAllBytes(f);
                Files.write(target.resolve(f.getFileName()), Arrays.copyOf(bytes, (int) Math.min(keep, bytes.length)));
            }
        }
    }

    @Override
    public LogChannel create(Path file) throws IOException {
        LogChannel c = REAL_FILES.create(file);
        creates++;
        written.put(file, 0L);
        forced.put(file, 0L);
        return new Faulty(file, c);
    }

    @Override
    public LogChannel append(Path file) throws IOException {
        LogChannel c = REAL_FILES.append(file);
        written.put(file, Files.size(file));
        forced.putIfAbsent(file, Files.size(file));
        return new Faulty(file, c);
    }

    @Override
    public byte[] read(Path file) throws IOException {
        return REAL_FILES.read(file);
    }

    @Override
    public boolean exists(Path file) {
        return REAL_FILES.exists(file);
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        REAL_FILES.replace(from, to);
        Long f = forced.remove(from);
        written.put(to, written.getOrDefault(from, 0L));
        written.remove(from);
        if (f != null) forced.put(to, f);
    }

    @Override
    public void delete(Path file) throws IOException {
        REAL_FILES.delete(file);
        written.remove(file);
        forced.remove(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (failForces) throw new IOException("Input/output error (injected)");
        REAL_FILES.syncDirectory(dir);
    }

    private final class Faulty implements LogChannel {
        private final Path file;
        private final LogChannel real;

        Faulty(Path file, LogChannel real) {
            this.file = file;
            this.real = real;
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            int n = bytes.remaining();
            int keep = n;
            String why = null;
            if (tearNextWriteAfter >= 0) {
                keep = Math.min(n, tearNextWriteAfter);
                tearNextWriteAfter = -1;
                why = "torn write (injected crash)";
            }
            if (keep > spaceLeft) {
                keep = (int) spaceLeft;
                why = "No space left on device (injected)";
            }
            ByteBuffer part = bytes.duplicate();
            part.limit(part.position() + keep);
            real.write(part);
            bytes.position(bytes.position() + keep);
            spaceLeft -= keep;
            written.merge(file, (long) keep, Long::sum);
            if (why != null) throw new IOException(why);
        }

        @Override
        public void force() throws IOException {
            if (failForces) throw new IOException("Input/output error (injected)");
            if (gate != null) {
                waiting.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            real.force();
            forced.put(file, written.getOrDefault(file, 0L));
            forces++;
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }
}
