package dsys.verifier.commit;

import java.util.List;

/**
 * A fact of an atomic-commit run, in the order it happened: a transaction began with its
 * participants, a participant voted yes or no, a node (participant or coordinator) decided
 * commit or abort. {@code value} is "yes"/"no" for votes and "commit"/"abort" for decisions.
 */
public record CommitEvent(String txn, String node, Kind kind, String value, List<String> participants) {

    public enum Kind { BEGIN, VOTE, DECIDE }

    public CommitEvent {
        participants = participants == null ? List.of() : List.copyOf(participants);
    }

    public static CommitEvent begin(String txn, String coordinator, List<String> participants) {
        return new CommitEvent(txn, coordinator, Kind.BEGIN, null, participants);
    }

    public static CommitEvent vote(String txn, String participant, boolean yes) {
        return new CommitEvent(txn, participant, Kind.VOTE, yes ? "yes" : "no", null);
    }

    public static CommitEvent decide(String txn, String node, boolean commit) {
        return new CommitEvent(txn, node, Kind.DECIDE, commit ? "commit" : "abort", null);
    }
}
