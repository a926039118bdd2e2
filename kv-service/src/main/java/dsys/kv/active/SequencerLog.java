package dsys.kv.active;

import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;

import java.util.List;

/**
 * A sequencer as an active keyspace's core sees it: one partition of a persistent log (a Kafka topic's single
 * partition live, an in-memory one in the simulator) that gives every record it takes the next offset, and reads
 * them back in offset order to every replica. The core stays free of I/O: {@link #append} and {@link #consume} only
 * hand work to the log's reader and writer, which answer later with {@link Records} and {@link AppendFailed} as
 * requests on the core's serial executor.
 *
 * <p>Delivery is at least once: a producer retry may append a record twice, and a reader re-reads after a seek.
 * Hence the core dedupes by offset and by operation id ({@link LogOrder}).
 */
public interface SequencerLog {

    /**
     * Appends {@code record} (the operation {@code op}) without waiting. Null when handed to the log; else why it
     * certainly is not appended (the log is known to be unreachable, or none is configured).
     */
    String append(String op, String record);

    /** From now on, read from offset {@code from} on (replacing any earlier position): a seek, on start and on gaps. */
    void consume(long from);

    /** One record of the partition. */
    record Entry(long offset, String record) {
    }

    /**
     * Records read in offset order, starting where the reader's position was ({@code position}: the offset it sought
     * or the one after its last batch), so a reader still ahead for a replica that crashed is told apart.
     * {@code end}: the partition's end offset as the reader last learned it (-1 unknown).
     */
    record Records(long position, List<Entry> entries, long end) {
    }

    /** The append of {@code op} failed; {@code maybeAppended} when it may still be in the partition (a timeout). */
    record AppendFailed(String op, boolean maybeAppended, String reason) {
    }

    /** No log on this node: every append is refused (a keyspace sequenced by Kafka while Kafka is off). */
    SequencerLog NONE = new SequencerLog() {
        @Override
        public String append(String op, String record) {
            return "no sequencer log on this node (Kafka is off: dsys.kafka.enabled=false)";
        }

        @Override
        public void consume(long from) {
        }
    };

    /** An env that offers a node's sequencer logs to the cores built on it. */
    interface Source {
        SequencerLog sequencerLog(String keyspace);
    }

    /** {@code env} offering {@code log} as the sequencer of keyspace {@code keyspace}. */
    static Env offering(Env env, String keyspace, SequencerLog log) {
        final class Offering extends ForwardingEnv implements Source {
            Offering(Env inner) {
                super(inner);
            }

            @Override
            public SequencerLog sequencerLog(String k) {
                return k.equals(keyspace) ? log : NONE;
            }
        }
        return new Offering(env);
    }

    /** The log {@code env} offers for {@code keyspace}, or {@link #NONE}. */
    static SequencerLog of(Env env, String keyspace) {
        return env instanceof Source s ? s.sequencerLog(keyspace) : NONE;
    }
}
