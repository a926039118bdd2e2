package dsys.kv.quorum;

import dsys.core.message.Message;

import java.util.List;

/**
 * What coordinators, replicas and anti-entropy send each other. {@code op} names the coordinator's operation
 * and {@code ballot} its round, so a late or duplicated answer to an earlier round is recognised and dropped.
 */
public final class QuorumMessages {

    private QuorumMessages() {
    }

    /** Phase 1a: promise to ignore ballots below {@code ballot} for this key, and tell what you accepted. */
    public record Prepare(String op, String key, Ballot ballot) implements Message {
    }

    /** Phase 1b; {@code ok} false is a refusal naming the higher {@code promised} ballot. */
    public record Promise(String op, String key, Ballot ballot, boolean ok, Ballot promised, Ballot accepted,
                          boolean committed, Versioned content) implements Message {
    }

    /**
     * Phase 2a, and a linearizable read's write-back (the same ballot and content it found). {@code next} above
     * ZERO is also phase 1a of the proposer's next round on the key (CASPaxos's one-round-trip optimisation): an
     * acceptor that accepts promises {@code next} in the same step, so the proposer's next write to the key can
     * go straight to phase 2 at {@code next} if no one promised higher meanwhile.
     */
    public record Accept(String op, String key, Ballot ballot, Versioned content, Ballot next) implements Message {
    }

    /** Phase 2b; {@code ok} false names the higher {@code promised} ballot; {@code promised == next}: promised it. */
    public record Accepted(String op, String key, Ballot ballot, boolean ok, Ballot promised) implements Message {
    }

    /** The content accepted at {@code ballot} is chosen (sent after a write quorum accepted it; no answer). */
    public record Commit(String key, Ballot ballot) implements Message {
    }

    /** A read's gather: what did you accept for this key? Changes nothing at the replica. */
    public record Read(String op, String key) implements Message {
    }

    public record ReadReply(String op, String key, Ballot accepted, boolean committed, Versioned content)
            implements Message {
    }

    // ------------------------------------------------------------------ anti-entropy

    /** One hash per key range (bucket) of the sender's replica. */
    public record DigestOffer(long round, List<Long> buckets) implements Message {
    }

    /**
     * The receiver's answer: every bucket whose hashes differed ({@code differing}, always complete: a bucket not
     * listed is equal, which tombstone collection relies on), and its entries, without values, of all of those
     * buckets or, when they would pass the message's byte budget, of only some of them ({@code covered}, each
     * bucket's entries complete; null from a sender that lists them all); its tombstone floor.
     */
    public record DigestDiff(long round, List<Integer> differing, List<Integer> covered, List<EntrySummary> entries,
                             Ballot floor) implements Message {
        public DigestDiff {
            if (covered == null) covered = differing;
        }
    }

    public record EntrySummary(String key, Ballot accepted, boolean committed, boolean tombstone) {
    }

    /** Send me your chosen states of these keys. */
    public record Want(long round, List<String> keys) implements Message {
    }

    /** Chosen states, pushed to a replica that lacks them. */
    public record Learn(long round, List<Chosen> states) implements Message {
    }

    public record Chosen(String key, Ballot ballot, Versioned content) {
    }
}
