package dsys.platform.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dsys.core.env.Durable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A write-ahead log of put/remove records, replayed
 * into memory on open and compacted when it grows to several times the live data. A torn last line (crash in
 * mid-write) is ignored on replay. Appends go to the OS at once; {@link #sync()} forces them to disk. The node
 * runtime syncs once per batch of core steps before any of their replies or messages leave the node (group
 * commit), so "acknowledged ⇒ durable" holds at the cost of one fsync per batch, not per put. Chosen over an embedded engine because core state is small and this keeps
 * the durability rule visible; the kv store may choose differently.
 */
public final class FileDurable implements Durable, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final TreeMap<String, String> data = new TreeMap<>();
    private FileChannel channel;
    private long records;
    private boolean dirty;

    public FileDurable(Path dir) {
        try {
            Files.createDirectories(dir);
            this.file = dir.resolve("durable.log");
            if (Files.exists(file)) replay();
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open durable storage in " + dir, e);
        }
    }

    private void replay() throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            try {
                var n = JSON.readTree(line);
                String k = n.get("k").asText();
                if (n.hasNonNull("v")) data.put(k, n.get("v").asText());
                else data.remove(k);
            } catch (IOException | NullPointerException torn) {
                break; // a crash mid-append leaves at most one partial line, always the last
            }
        }
    }

    /** Rewrites the log as one put per live key, atomically. */
    private void compact() throws IOException {
        if (channel != null) channel.close();
        Path tmp = file.resolveSibling("durable.log.tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (var e : data.entrySet()) out.write(encode(e.getKey(), e.getValue()));
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        records = data.size();
    }

    private static ByteBuffer encode(String k, String v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("k", k);
        if (v != null) n.put("v", v);
        return ByteBuffer.wrap((n.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void append(String k, String v) {
        try {
            ByteBuffer b = encode(k, v);
            while (b.hasRemaining()) channel.write(b);
            dirty = true;
            if (++records > 1000 && records > 4L * data.size()) {
                compact();
                dirty = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("durable write failed: " + file, e);
        }
    }

    @Override
    public synchronized void put(String key, String value) {
        append(key, value);
        data.put(key, value);
    }

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public synchronized void remove(String key) {
        if (!data.containsKey(key)) return;
        append(key, null);
        data.remove(key);
    }

    @Override
    public synchronized SortedMap<String, String> scan(String prefix) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(data.subMap(prefix, prefix + Character.MAX_VALUE)));
    }

    /** True when appends are not yet forced to disk. */
    public synchronized boolean dirty() {
        return dirty;
    }

    /** Forces every append so far to disk. */
    public synchronized void sync() {
        if (!dirty) return;
        try {
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("durable sync failed: " + file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        sync();
        channel.close();
    }
}
