package dsys.lock.coordination;

import dsys.lock.byzantine.AgreementOutcome;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the coordination core answers; records of plain values, serialised as the REST bodies. */
public final class CoordinationResults {

    private CoordinationResults() {
    }

    /** Messages of one run: the total and per type, to hold against the notes' figures. */
    public record Messages(long count, Map<String, Long> byType) {
        static Messages of(Map<String, Long> byType) {
            return new Messages(byType.values().stream().mapToLong(Long::longValue).sum(),
                    Collections.unmodifiableMap(new TreeMap<>(byType)));
        }
    }

    /**
     * One election: who leads in which epoch, what it cost over all nodes that answered the count
     * ({@code countedAt}; {@code notCounted} were down or too slow, so {@code messages} may be short).
     */
    public record ElectionResult(String algorithm, String leader, long epoch, String round, Messages messages,
                                 List<String> countedAt, List<String> notCounted) {
    }

    public record Leader(String leader, long epoch, boolean electing, long maxEpoch) {
    }

    /** GET /api/coordination/leader: the leader by the algorithm last run here, and by each algorithm. */
    public record LeaderView(String node, String algorithm, String leader, long epoch, Map<String, Leader> byAlgorithm) {
    }

    /**
     * A Byzantine run. {@code mode} "nodes": each lock node was one general, the rounds were real messages;
     * "simulated": the generals ran in lock-step inside this request. {@code missing}: generals that did not report.
     */
    public record AgreementResult(String mode, int n, int m, int rounds, boolean agreementPossible, boolean agreed,
                                  boolean valid, String note, List<String> generals, List<String> traitors,
                                  Map<String, AgreementOutcome.General> loyal, Messages messages, long seed,
                                  String strategy, List<String> missing) {

        static AgreementResult of(String mode, AgreementOutcome o, long seed, String strategy, List<String> missing) {
            return new AgreementResult(mode, o.n(), o.m(), o.rounds(), o.guaranteed(), o.agreed(), o.valid(), o.note(),
                    o.generals(), o.traitors(), o.loyal(), Messages.of(o.messages()), seed, strategy, missing);
        }
    }
}
