package dsys.lock.byzantine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Runs the generals in lock-step inside one call: every report of a round is delivered before the next round
 * (the notes assume reliable, synchronous messages). Used by the REST API when the generals are not the lock
 * nodes themselves, and by the tests; {@code events} receives every step.
 */
public final class ByzantineAgreement {

    public static final String VALUE = "byzantine.value";
    public static final String VECTOR = "byzantine.vector";

    private ByzantineAgreement() {
    }

    /** Rounds the theory asks for: m+1 (two, the notes' four steps, when there is at most one traitor). */
    public static int roundsFor(int traitors) {
        return Math.max(1, traitors) + 1;
    }

    public static AgreementOutcome run(List<String> generals, Map<String, String> values, Set<String> traitors,
                                       int rounds, TraitorStrategy strategy, BiConsumer<String, Map<String, Object>> events) {
        int n = generals.size();
        List<ByzantineGeneral> g = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = generals.get(i);
            g.add(new ByzantineGeneral(n, i, values.get(name), rounds, traitors.contains(name) ? strategy : null));
        }
        events.accept("byzantine.start", Map.of("n", n, "m", traitors.size(), "rounds", rounds,
                "traitors", traitors.stream().sorted().toList()));
        Map<String, Long> messages = new TreeMap<>();
        for (int r = 1; r <= rounds; r++) {
            String type = r == 1 ? VALUE : VECTOR;
            for (int from = 0; from < n; from++) {
                for (int to = 0; to < n; to++) {
                    if (to == from) continue;
                    g.get(to).receive(r, from, g.get(from).report(r, to));
                    messages.merge(type, 1L, Long::sum);
                }
                events.accept(r == 1 ? "byzantine.step1.send" : "byzantine.step3.send",
                        Map.of("general", generals.get(from), "round", r, "to", n - 1, "loyal", g.get(from).loyal()));
            }
            for (ByzantineGeneral x : g) x.closeRound(r);
            if (r == 1) {
                for (int i = 0; i < n; i++) {
                    events.accept("byzantine.step2.vector", Map.of("general", generals.get(i), "vector", g.get(i).vector()));
                }
            }
        }
        List<GeneralReport> reports = new ArrayList<>();
        for (int i = 0; i < n; i++) reports.add(GeneralReport.of(g.get(i), i, n));
        return outcome(generals, values, traitors, rounds, reports, messages, events);
    }

    /**
     * Checks agreement (all loyal results equal) and validity (a loyal general's element is its true value) over
     * the loyal generals' reports, and builds the views. Used for lock-step and live runs; a general whose report
     * never came is simply absent.
     */
    public static AgreementOutcome outcome(List<String> generals, Map<String, String> values, Set<String> traitors,
                                           int rounds, List<GeneralReport> reports, Map<String, Long> messages,
                                           BiConsumer<String, Map<String, Object>> events) {
        int n = generals.size(), m = traitors.size();
        Map<String, AgreementOutcome.General> loyal = new LinkedHashMap<>();
        Set<List<String>> results = new HashSet<>();
        boolean valid = true;
        for (GeneralReport r : reports) {
            String name = generals.get(r.index());
            if (traitors.contains(name)) continue;
            results.add(r.result());
            for (int k = 0; k < n; k++) {
                String gk = generals.get(k);
                if (!traitors.contains(gk) && !r.result().get(k).equals(values.get(gk))) valid = false;
            }
            Map<String, Map<String, String>> received = new LinkedHashMap<>();
            if (rounds >= 2) {
                for (int j = 0; j < n; j++) if (j != r.index()) received.put(generals.get(j), named(generals, r.received().get(j)));
            }
            loyal.put(name, new AgreementOutcome.General(named(generals, r.vector()), received,
                    named(generals, r.result()), r.decision()));
            events.accept("byzantine.step4.result", Map.of("general", name, "result", r.result(), "decision", r.decision()));
        }
        boolean agreed = results.size() <= 1;
        boolean guaranteed = n >= 3 * m + 1 && rounds >= m + 1;
        events.accept("byzantine.outcome", Map.of("agreed", agreed, "valid", valid, "guaranteed", guaranteed));
        return new AgreementOutcome(List.copyOf(generals), traitors.stream().sorted().toList(), n, m, rounds,
                guaranteed, agreed, valid, AgreementOutcome.note(n, m, rounds), loyal,
                Collections.unmodifiableMap(new TreeMap<>(messages)));
    }

    private static Map<String, String> named(List<String> generals, List<String> v) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int k = 0; k < v.size(); k++) if (v.get(k) != null) out.put(generals.get(k), v.get(k));
        return out;
    }
}
