package dsys.platform.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a log back: every intact batch in order, a torn last batch dropped, damage anywhere else refused. Zeros
 * after the last batch are the run written ahead of the log's end (RealDiskIo), not a batch.
 */
final class WalRecovery {

    static final byte[] MAGIC = "DSYSWAL1".getBytes(StandardCharsets.US_ASCII);
    private static final WalBatch.Visitor NOTHING = new WalBatch.Visitor() {
        @Override
        public void put(String key, String value) {
        }

        @Override
        public void remove(String key) {
        }
    };

    private WalRecovery() {
    }

    /**
     * Replays {@code log} into {@code visitor} and returns where its intact part ends (bytes after that are a
     * write torn by a crash: never forced, so never acknowledged).
     *
     * @throws CorruptLogException when the file is not a log, or an intact batch follows a damaged one
     */
    static int replay(Path file, byte[] log, WalBatch.Visitor visitor) {
        if (log.length < MAGIC.length) {
            if (Arrays.equals(log, 0, log.length, MAGIC, 0, log.length)) return 0; // torn while being created
            throw new CorruptLogException(file + " is not a dsys log (bad header)");
        }
        if (!Arrays.equals(log, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptLogException(file + " is not a dsys log (bad header)");
        }
        int at = MAGIC.length;
        for (int n; at < log.length && (n = WalBatch.replay(log, at, visitor)) > 0; ) at += n;
        for (int later = at + 1; later + WalBatch.HEADER <= log.length; later++) {
            if (WalBatch.replay(log, later, NOTHING) > 0) {
                throw new CorruptLogException("the batch at byte " + at + " of " + file + " is damaged, yet an intact batch"
                        + " follows at byte " + later + ": this is not a torn last write; refusing to open rather than"
                        + " drop the acknowledged writes after it");
            }
        }
        return at;
    }
}
