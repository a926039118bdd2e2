/**
 * Active keyspaces (the notes' 主动复制, §4.3.2.2.1): replicas as deterministic state machines fed one total order
 * of writes ({@link dsys.kv.active.WriteOrder}): by Lamport's totally ordered multicast (全序组播, §5.2,
 * {@link dsys.core.multicast.LamportTotalOrder}), or by one partition of a persistent log, Kafka's live
 * ({@link dsys.kv.active.LogOrder}, {@link dsys.kv.active.SequencerLog}).
 * Reads are local: sequential consistency, not linearizability.
 */
package dsys.kv.active;
