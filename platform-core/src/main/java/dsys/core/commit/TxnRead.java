package dsys.core.commit;

/**
 * What a transaction's {@code get} read at a participant, under the read lock prepare took: {@code value} null for
 * an absent key, {@code version} the store's version ("0" when absent). All the reads of one committed transaction
 * held their locks together, so they are one consistent snapshot.
 */
public record TxnRead(String keyspace, String key, String value, String version) {
}
