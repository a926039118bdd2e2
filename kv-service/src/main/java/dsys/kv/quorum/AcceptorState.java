package dsys.kv.quorum;

import java.util.Objects;

/**
 * One key's Paxos acceptor (single-decree per round, CASPaxos): the highest ballot promised, the ballot of the
 * accepted register content, and whether that ballot is known to be chosen (a coordinator's commit, or learned
 * from a replica that knew it). {@code accepted ≤ promised} always.
 */
public record AcceptorState(Ballot promised, Ballot accepted, boolean committed, Versioned content) {

    public static final AcceptorState EMPTY = new AcceptorState(Ballot.ZERO, Ballot.ZERO, false, Versioned.ABSENT);

    public AcceptorState {
        Objects.requireNonNull(promised, "promised");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(content, "content");
        if (accepted.isAfter(promised)) throw new IllegalArgumentException("accepted " + accepted + " > promised " + promised);
    }

    public AcceptorState promise(Ballot b) {
        return new AcceptorState(b, accepted, committed, content);
    }

    public AcceptorState accept(Ballot b, Versioned c) {
        return new AcceptorState(Ballot.max(promised, b), b, committed && b.equals(accepted), c);
    }

    public AcceptorState commit() {
        return new AcceptorState(promised, accepted, true, content);
    }

    /** A chosen state learned from elsewhere; promises stay (see Replica#learn for why that is safe). */
    public AcceptorState learn(Ballot b, Versioned c) {
        return new AcceptorState(Ballot.max(promised, b), b, true, c);
    }

    @Override
    public String toString() {
        return content + " accepted " + accepted + (committed ? " (chosen)" : "") + ", promised " + promised;
    }
}
