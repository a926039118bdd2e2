package dsys.platform.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The unit the log writes and forces at once (group commit): {@code [length:int][crc32c:int][entries]}, an entry
 * being {@code [kind:byte][keyLength:int][key][valueLength:int][value]} in UTF-8.
 *
 * <p>Framing batches rather than entries is what lets recovery tell a torn write from damage: a batch is written
 * only after the one before it was forced, so a crash (even a power cut that persists the pages of the last write
 * out of order) can only damage the last batch. A damaged batch with an intact one after it is therefore real
 * corruption, and the log refuses to open rather than silently dropping acknowledged data behind it.
 */
final class WalBatch {

    static final byte PUT = 1;
    static final byte REMOVE = 2;
    /** Changes nothing: ends a rewritten log's snapshot (FileDurable), so damage in its last batch is not "torn". */
    static final byte MARK = 3;
    static final int HEADER = 8;
    /** Larger lengths are damage, not data. */
    static final int MAX_BODY = 1 << 30;

    /** What replay does with each entry of an intact batch. */
    interface Visitor {
        void put(String key, String value);

        void remove(String key);
    }

    private final Buffer body = new Buffer();
    private int entries;

    WalBatch() {
        body.reset(); // leaves room for the header
    }

    void put(String key, String value) {
        entry(PUT, key, value);
    }

    void remove(String key) {
        entry(REMOVE, key, "");
    }

    void mark(String what) {
        entry(MARK, what, "");
    }

    private void entry(byte kind, String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        body.write(kind);
        body.writeInt(k.length);
        body.write(k, 0, k.length);
        body.writeInt(v.length);
        body.write(v, 0, v.length);
        entries++;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    /** The framed bytes of every entry added since the last seal; the batch is empty afterwards. */
    ByteBuffer seal() {
        byte[] out = body.toByteArray();
        int length = out.length - HEADER;
        ByteBuffer.wrap(out).putInt(0, length).putInt(4, crc(out, HEADER, length));
        body.reset();
        entries = 0;
        return ByteBuffer.wrap(out);
    }

    /**
     * Replays the batch at {@code at} into {@code visitor}; returns the bytes it took, or -1 (and visits
     * nothing) when the bytes there are not a whole, intact batch.
     */
    static int replay(byte[] log, int at, Visitor visitor) {
        if (log.length - at < HEADER) return -1;
        ByteBuffer b = ByteBuffer.wrap(log);
        int length = b.getInt(at);
        // Never 0: a batch is written only with entries, so zeros (written ahead of a log's end) are its end.
        if (length <= 0 || length > MAX_BODY || length > log.length - at - HEADER) return -1;
        if (b.getInt(at + 4) != crc(log, at + HEADER, length)) return -1;
        int end = at + HEADER + length;
        for (int p = at + HEADER; p < end; ) {
            byte kind = log[p];
            int keyLength = b.getInt(p + 1);
            String key = new String(log, p + 5, keyLength, StandardCharsets.UTF_8);
            p += 5 + keyLength;
            int valueLength = b.getInt(p);
            if (kind == PUT) visitor.put(key, new String(log, p + 4, valueLength, StandardCharsets.UTF_8));
            else if (kind == REMOVE) visitor.remove(key);
            p += 4 + valueLength;
        }
        return HEADER + length;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(4096);
        }

        void writeInt(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        @Override
        public synchronized void reset() {
            super.reset();
            write(new byte[HEADER], 0, HEADER);
        }
    }
}
