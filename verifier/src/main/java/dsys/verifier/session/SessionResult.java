package dsys.verifier.session;

import dsys.verifier.Verdict;
import dsys.verifier.history.Call;

import java.util.List;
import java.util.Map;

/**
 * Violations per guarantee, split by whether the session asked for the guarantees: only the asking sessions'
 * violations decide the verdict; the others show what the guarantees prevent.
 *
 * @param requesting sessions that carried a session (token and guarantees): guarantee → violations
 * @param without    calls without a session, each process taken as one session: guarantee → violations
 * @param checked    calls judged (ok reads, writes and deletes that reported a version)
 */
public record SessionResult(Map<Guarantee, List<Violation>> requesting, Map<Guarantee, List<Violation>> without,
                            int requestingSessions, int otherSessions, int checked) {

    /** {@code later} breaks {@code guarantee} for {@code session} on {@code key} given {@code earlier}. */
    public record Violation(Guarantee guarantee, String session, String key, Call earlier, Version earlierVersion,
                            Call later, Version laterVersion) {

        public String text() {
            String what = switch (guarantee) {
                case READ_YOUR_WRITES -> "a read returned version " + laterVersion + ", older than the session's acknowledged write at " + earlierVersion;
                case MONOTONIC_READS -> "a read returned version " + laterVersion + ", older than an earlier read's " + earlierVersion;
                case MONOTONIC_WRITES -> "a write got version " + laterVersion + ", not after the session's earlier write at " + earlierVersion;
                case WRITES_FOLLOW_READS -> "a write got version " + laterVersion + ", not after the version " + earlierVersion + " the session read";
            };
            return guarantee.label() + " violated: session " + session + ", key " + key + ": " + what + "\n  earlier: "
                    + earlier + "\n  later:   " + later;
        }
    }

    public Verdict verdict() {
        return count(requesting) == 0 ? Verdict.VALID : Verdict.INVALID;
    }

    public static int count(Map<Guarantee, List<Violation>> m) {
        return m.values().stream().mapToInt(List::size).sum();
    }
}
