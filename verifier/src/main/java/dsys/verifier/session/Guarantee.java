package dsys.verifier.session;

import java.util.Locale;

/** Terry et al.'s four session guarantees, named as kv's {@code X-Dsys-Guarantees} header names them. */
public enum Guarantee {
    READ_YOUR_WRITES, MONOTONIC_READS, MONOTONIC_WRITES, WRITES_FOLLOW_READS;

    /** {@code read-your-writes}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
