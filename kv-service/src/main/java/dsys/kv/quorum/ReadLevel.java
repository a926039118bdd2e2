package dsys.kv.quorum;

import java.util.Locale;

/** How much a read gathers before it answers; {@code ?read=} picks it per request. */
public enum ReadLevel {
    /** V_r votes, the highest version, written back to V_w votes unless already chosen (ABD). */
    LINEARIZABLE,
    /** V_r votes and the highest version, without the write-back: may see a write that is later lost. */
    QUORUM,
    /** One replica (this node's own, when it holds one): stale reads on purpose. */
    ONE;

    public static ReadLevel parse(String s) {
        if (s == null || s.isBlank()) return LINEARIZABLE;
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("read must be linearizable, quorum or one, got '" + s + "'", e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
