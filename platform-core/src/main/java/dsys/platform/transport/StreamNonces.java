package dsys.platform.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Stream ids ({@code X-Dsys-Stream}): {@code <wall-clock ms>.<16 random bytes, base64url>}, fresh for every stream a
 * node opens, and signed into each of its batches ({@link BatchMac}). A receiver takes a stream only if its id is
 * recent (within {@link #WINDOW} of its own clock either way: hosts of one cluster keep their clocks far closer with
 * NTP) and never used before, so a captured stream cannot be played again. It remembers the ids it took for as long
 * as they count as recent, and only ids whose first batch was correctly signed: strangers cannot fill that memory.
 *
 * <p>What is left: ids are remembered in memory, so a stream recorded less than {@link #WINDOW} before a receiver
 * restarts could be replayed to it once right after the restart.
 */
final class StreamNonces {

    static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();

    private final LongSupplier wallClockMillis;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> taken = new ConcurrentHashMap<>(); // "from stream" -> stream time (ms)

    StreamNonces(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    String fresh() {
        byte[] r = new byte[16];
        random.nextBytes(r);
        return wallClockMillis.getAsLong() + "." + ENCODE.encodeToString(r);
    }

    /** Fails unless {@code stream} is a well-formed id from within the window. */
    void checkRecent(String stream) throws PeerRefusal {
        long at = timeOf(stream);
        long skew = Math.abs(wallClockMillis.getAsLong() - at);
        if (skew > WINDOW.toMillis()) {
            throw new PeerRefusal(PeerRefusal.Reason.STALE_STREAM, "stream " + stream + " was opened " + skew
                    + " ms from this node's clock; more than " + WINDOW.toSeconds() + " s is refused (replay, or clocks far apart)");
        }
    }

    /** Takes {@code stream} from {@code from} for good (once its first batch checked out); fails if it was taken before. */
    void take(String from, String stream) throws PeerRefusal {
        long now = wallClockMillis.getAsLong();
        taken.values().removeIf(at -> now - at > WINDOW.toMillis()); // too old to pass checkRecent anyway
        if (taken.putIfAbsent(from + " " + stream, timeOf(stream)) != null) {
            throw new PeerRefusal(PeerRefusal.Reason.REPLAYED_STREAM, "stream " + stream + " from " + from + " was used before");
        }
    }

    private static long timeOf(String stream) throws PeerRefusal {
        int dot = stream == null ? -1 : stream.indexOf('.');
        try {
            if (dot > 0 && stream.length() - dot - 1 == 22) return Long.parseLong(stream.substring(0, dot));
        } catch (NumberFormatException e) {
            // below
        }
        throw new PeerRefusal(PeerRefusal.Reason.UNAUTHENTICATED,
                "header " + ClockHeaders.STREAM + " must be <ms>.<22 base64url characters>, a fresh id per stream");
    }
}
