package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;

import java.util.Objects;

/**
 * One replicated item as the epidemic spreads it: the key, its version (the Lamport stamp of the write, made total
 * by the writer's node, so every replica picks the same winner: last writer wins), and the value; a null value is a
 * death certificate, which spreads like any value so that the delete is not undone by an older copy.
 */
public record Update(String key, LamportStamp version, String value) {

    public Update {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
    }

    public static Update deathCertificate(String key, LamportStamp version) {
        return new Update(key, version, null);
    }

    public boolean deathCertificate() {
        return value == null;
    }

    /** Whether this update wins over {@code other} (null: nothing held). */
    public boolean supersedes(Update other) {
        return other == null || version.compareTo(other.version()) > 0;
    }

    /** A rough size in bytes, for message budgets. */
    int size() {
        return 48 + key.length() + version.node().length() + (value == null ? 0 : value.length());
    }
}
