package dsys.kv.chain;

import dsys.core.env.Rejection;
import dsys.core.message.Message;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.Versioned;

import java.util.List;

/**
 * What the nodes of a chain keyspace send each other: the writes passed down the chain and their acknowledgements
 * back up, client requests forwarded to the head or the tail and their answers, heartbeats with the read lease, the
 * per-epoch agreement on the next view, and a rejoining node's copy of the tail's state. Every chain message names
 * its epoch, so a node never takes a message of another configuration for one of its own.
 */
public final class ChainMessages {

    private ChainMessages() {
    }

    /** One key's state as the chain carries it: its content and the sequence number of the write that made it. */
    public record Entry(String key, long seq, Versioned content) {
    }

    /**
     * Down the chain, from a member to its successor: the newest state of every key written at a sequence number in
     * ({@code from}, {@code to}]. {@code complete} false: a page of a longer catch-up; the receiver has everything
     * up to {@code to} only once a complete one arrives. {@code readyAt}: the head's last sequence number when the
     * epoch began; a member that reached it holds every write acknowledged in earlier epochs. {@code stable}: every
     * member holds the writes up to it, as far as the sender knows (how a backup learns which writes are acknowledged).
     */
    public record Update(long epoch, long from, long to, boolean complete, long readyAt, long stable, List<Entry> entries)
            implements Message {
    }

    /**
     * Up the chain (or from a backup to its primary): the sender has taken the updates up to {@code progress}
     * (complete up to {@code lastSeq}), and every member from it on holds every write up to {@code stable} (the
     * tail's, or the backup's own, {@code lastSeq}).
     * {@code gap}: an update came that did not follow on (lost or overtaken); resend from {@code progress}.
     */
    public record UpdateAck(long epoch, long progress, long lastSeq, long stable, boolean ready, boolean gap)
            implements Message {
    }

    /**
     * A client's write, forwarded by the node it reached to the head; {@code attempt} counts the tries, {@code retry}
     * says an earlier one may have been taken by a head (a local write's waits for the primary role were not).
     */
    public record WriteForward(String op, int attempt, String key, String value, boolean delete, Ballot ifMatch,
                               boolean retry) implements Message {
    }

    /** A client's linearizable read, forwarded to the tail. */
    public record ReadForward(String op, String key) implements Message {
    }

    /** A client's range listing, forwarded to the tail. */
    public record ListForward(String op, String prefix, String after, int limit) implements Message {
    }

    public record WriteDone(String op, String key, Ballot version, boolean deleted) implements Message {
    }

    public record ReadDone(String op, String key, String value, Ballot version) implements Message {
    }

    public record ListDone(String op, List<KeyPage.Key> keys, String next) implements Message {
    }

    /** The head or tail refused the request with this answer for the client. */
    public record Refused(String op, Rejection rejection) implements Message {
    }

    /** The receiver is not the head (tail) the request needs, or cannot serve now: here is its view. */
    public record Redirect(String op, View view) implements Message {
    }

    /** Heartbeat to every replica with the sender's view; {@code leaseRound} above 0 asks for a read lease. */
    public record Beat(View view, long leaseRound) implements Message {
    }

    /** The sender will not promise an epoch above {@code epoch} for a lease's length (tail's round {@code round}). */
    public record Grant(long epoch, long round) implements Message {
    }

    /** Phase 1a of the agreement on view {@code epoch}. */
    public record Prepare(long epoch, Ballot ballot) implements Message {
    }

    /**
     * Phase 1b: the promiser stops serving its view (it is sealed), and tells what it accepted for this epoch, the
     * read lease it granted that may still run (to {@code guardTail} of {@code guardEpoch}, for at most
     * {@code guardNanos} more of its time), the epoch in which it finished copying the reader's state (-1: none),
     * and its {@code lastSeq} (a primary-backup view's new primary is the promiser that holds the most).
     */
    public record Promise(long epoch, Ballot ballot, Ballot acceptedBallot, View accepted, long guardEpoch,
                          String guardTail, long guardNanos, long copyEpoch, long lastSeq) implements Message {
    }

    /** A refusal: the receiver promised {@code promised} for the epoch, or has decided {@code decided} already. */
    public record Nack(long epoch, Ballot ballot, Ballot promised, View decided) implements Message {
    }

    /** Phase 2a. */
    public record Accept(long epoch, Ballot ballot, View view) implements Message {
    }

    /** Phase 2b. */
    public record Accepted(long epoch, Ballot ballot) implements Message {
    }

    /** A majority accepted {@code view}: it is the chain now. */
    public record Decide(View view) implements Message {
    }

    /** A non-member that copied the tail's state in epoch {@code copyEpoch} asks to be added at the tail. */
    public record JoinRequest(long copyEpoch) implements Message {
    }

    /** A rejoining node asks the tail of {@code epoch} for its keys after {@code after} (null: from the start). */
    public record CopyRequest(long epoch, String after) implements Message {
    }

    /** A page of the tail's keys; {@code lastSeq} is its last sequence number; {@code next} null: the last page. */
    public record CopyPage(long epoch, String after, long lastSeq, List<Entry> entries, String next)
            implements Message {
    }

    /**
     * Local write (primary-backup): the sender has a client's write and asks the primary of {@code epoch} to hand it
     * the primary role.
     */
    public record MoveRequest(long epoch) implements Message {
    }

    /** What does your replica hold for this key? */
    public record Inspect(String op, String key) implements Message {
    }

    /** {@code acked}: the holder knows this version is at the tail. */
    public record InspectReply(String op, String key, Ballot version, boolean acked, Versioned content)
            implements Message {
    }
}
