package dsys.kv.quorum;

import dsys.core.message.Message;

import java.util.List;

/**
 * A replica's entries for a {@link ListRequest}, tombstones included (a newer death certificate on one replica
 * must hide an older value on another); {@code more}: it had entries past the last one sent.
 */
public record ListReply(String op, List<Entry> entries, boolean more) implements Message {

    /** One key: the ballot it accepted, the content's version, whether it is a tombstone, the value's stored length. */
    public record Entry(String key, Ballot accepted, Ballot version, boolean tombstone, int size) {
    }
}
