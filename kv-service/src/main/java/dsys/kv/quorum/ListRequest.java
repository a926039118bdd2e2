package dsys.kv.quorum;

import dsys.core.message.Message;

/**
 * A range listing's gather: your entries with keys starting with {@code prefix} and after {@code after} (null: from
 * the first), in key order, at most {@code limit}. Changes nothing at the replica.
 */
public record ListRequest(String op, String prefix, String after, int limit) implements Message {
}
