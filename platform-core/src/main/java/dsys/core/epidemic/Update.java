package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.message.JsonBytes;

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

    /**
     * An upper bound of its JSON in a message, {@code {"key":K,"version":{"time":T,"node":N},"value":V},}, for
     * message budgets. It used to count characters: a batch of keys full of characters that JSON escapes could pass
     * the transport's line limit, be dropped, and be sent again, whole, at every round.
     */
    int size() {
        return (int) Math.min(Integer.MAX_VALUE,
                68 + JsonBytes.string(key) + JsonBytes.string(version.node()) + JsonBytes.string(value));
    }
}
