package dsys.launcher.verify;

import dsys.verifier.CheckResult;
import dsys.verifier.Verdict;
import dsys.verifier.convergence.ConvergenceChecker;
import dsys.verifier.convergence.LastWriterWins;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.session.Guarantee;
import dsys.verifier.session.SessionChecker;
import dsys.verifier.session.SessionResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Judges a {@code set} history from the history alone (so the file can be judged again): the replica states are
 * the last {@code final.<node>} read of each key, checked for what the eventual mode claims: the replicas agree and
 * hold no value never written ({@link ConvergenceChecker}), and each kept the highest acknowledged version
 * ({@link LastWriterWins}: no write the last-writer rule keeps is lost, no key deleted by the highest version comes
 * back); the clients' calls with {@link SessionChecker}. Invalid if any finds a violation (for sessions: among those
 * that asked); unknown if a replica never answered for a key after the heal. What sessions without the header saw
 * is reported, not judged, and so are ConvergenceChecker's real-time findings (a write acknowledged later that lost
 * by (Lamport time, node)): Lamport time is not real time across nodes.
 */
final class SetJudgement {

    private static final Pattern INDEX = Pattern.compile("#(\\d+)");

    private SetJudgement() {
    }

    /** What the read-back after the heal found: per replica its copies and their versions; what it could not read. */
    private record States(Map<String, Map<String, Object>> values, Map<String, Map<String, String>> versions,
                          List<Judgement.Finding> missing) {

        /** Only the replicas that answered for every key: one that never did is left out, not read as "absent". */
        Map<String, Map<String, Object>> answered(int keys) {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>(values);
            out.entrySet().removeIf(e -> e.getValue().size() < keys);
            return out;
        }
    }

    static Judgement judge(History h, List<String> nodes) {
        long t0 = System.nanoTime();
        TreeSet<String> keys = new TreeSet<>();
        h.calls().forEach(c -> {
            if (c.key() != null) keys.add(c.key());
        });
        States states = states(h, nodes, keys);
        Map<String, Map<String, Object>> answered = states.answered(keys.size());
        CheckResult all = ConvergenceChecker.check(h, answered);
        // the eventual mode claims convergence by its own order, last writer by (Lamport time, node): the replicas'
        // agreement and values from nowhere decide; real-time order (a write acknowledged later that lost) is a note,
        // and a replica below the highest acknowledged version (a lost write, a resurrected key) is LastWriterWins's
        CheckResult conv = decisive(all);
        CheckResult lww = LastWriterWins.check(h, states.versions());
        SessionResult sess = SessionChecker.check(clients(h));

        Map<String, Judgement.KeyResult> perKey = new LinkedHashMap<>();
        Map<String, List<Call>> byKey = h.callsByKey();
        for (String k : keys) {
            boolean bad = Stream.concat(conv.violations().stream(), lww.violations().stream()).anyMatch(v -> v.startsWith("key " + k + ":"))
                    || sess.requesting().values().stream().flatMap(List::stream).anyMatch(v -> v.key().equals(k));
            StringBuilder held = new StringBuilder("replicas:");
            states.values().forEach((n, m) -> held.append(' ').append(n).append('=').append(m.containsKey(k) ? String.valueOf(m.get(k)) : "?"));
            perKey.put(k, new Judgement.KeyResult(bad ? Verdict.INVALID : Verdict.VALID, byKey.getOrDefault(k, List.of()).size(), held.toString()));
        }
        List<Judgement.Finding> findings = new ArrayList<>(states.missing());
        conv.violations().forEach(v -> findings.add(new Judgement.Finding(keyOf(v), "convergence: " + v, indices(v))));
        lww.violations().forEach(v -> findings.add(new Judgement.Finding(keyOf(v), "last-writer-wins: " + v, indices(v))));
        sess.requesting().values().forEach(vs -> vs.forEach(v -> findings.add(new Judgement.Finding(v.key(), v.text(),
                List.of(v.earlier().invoke().index(), v.later().invoke().index())))));

        Verdict verdict = conv.verdict().and(lww.verdict()).and(sess.verdict())
                .and(states.missing().isEmpty() ? Verdict.VALID : Verdict.UNKNOWN);
        String summary = "convergence " + conv.verdict().label() + " over " + answered.size() + " of " + nodes.size()
                + " replicas and " + keys.size() + " key(s); last writer wins " + lww.verdict().label()
                + "; session guarantees " + sess.verdict().label() + ": " + SessionResult.count(sess.requesting())
                + " violation(s) among " + sess.requestingSessions() + " session(s) that asked, " + sess.checked()
                + " calls with versions";
        return new Judgement("convergence and last-writer-wins of the replicas after the heal; session guarantees per session and key",
                verdict, perKey, findings, System.nanoTime() - t0, summary, notes(all, lww, sess));
    }

    /** Divergence between replicas and values never written; the real-time findings are left to the notes. */
    static CheckResult decisive(CheckResult conv) {
        return CheckResult.of(conv.violations().stream().filter(SetJudgement::isDecisive).toList());
    }

    private static boolean isDecisive(String violation) {
        return violation.contains(" but ") || violation.contains("which was never");
    }

    /** The last {@code final.<node>} read of each key on each node. */
    private static States states(History h, List<String> nodes, Set<String> keys) {
        Map<String, Call> last = new LinkedHashMap<>();
        for (Call c : h.calls()) {
            if (c.key() != null && c.process().startsWith(SetWorkload.FINAL) && c.f().equals("read")) {
                last.put(c.process().substring(SetWorkload.FINAL.length()) + " " + c.key(), c);
            }
        }
        States s = new States(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        for (String n : nodes) {
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, String> versions = new LinkedHashMap<>();
            for (String k : keys) {
                Call c = last.get(n + " " + k);
                if (c != null && c.isOk()) {
                    values.put(k, c.output());
                    versions.put(k, c.version());
                } else {
                    s.missing().add(new Judgement.Finding(k, "key " + k + ": unknown, " + n + " gave no copy after the heal"
                            + (c == null ? "" : " (" + c.completion().error() + ")"), List.of()));
                }
            }
            s.values().put(n, values);
            s.versions().put(n, versions);
        }
        return s;
    }

    /** Per guarantee, both kinds of session; and how many real-time findings the store's own order explains. */
    private static List<String> notes(CheckResult conv, CheckResult lww, SessionResult sess) {
        List<String> notes = new ArrayList<>();
        List<String> realTime = conv.violations().stream().filter(v -> !isDecisive(v)).toList();
        if (!realTime.isEmpty()) {
            long keys = realTime.stream().map(SetJudgement::keyOf).distinct().count();
            long explained = realTime.stream().map(SetJudgement::keyOf)
                    .filter(k -> k != null && lww.violations().stream().noneMatch(v -> v.startsWith("key " + k + ":"))).distinct().count();
            notes.add("real-time order, not judged: " + realTime.size() + " finding(s) on " + keys + " key(s); on "
                    + explained + " of them the highest version won over a write acknowledged later in real time (the "
                    + "mode's last writer is by (Lamport time, node), not real time); a replica below the highest "
                    + "acknowledged version is last-writer-wins's to judge");
            realTime.stream().limit(20).forEach(v -> notes.add("real-time: " + v));
        }
        for (Guarantee g : Guarantee.values()) {
            notes.add(g.label() + ": " + sess.requesting().get(g).size() + " violation(s) with the header ("
                    + sess.requestingSessions() + " sessions); observed violations without the header: "
                    + sess.without().get(g).size() + " (" + sess.otherSessions() + " sessions)");
        }
        return notes;
    }

    /** The clients' calls only: the read-back after the heal is no session. */
    private static History clients(History h) {
        return History.of(h.ops().stream().filter(o -> !o.process().startsWith(SetWorkload.FINAL)).toList());
    }

    private static String keyOf(String violation) {
        return violation.startsWith("key ") ? violation.substring(4, violation.indexOf(':')) : null;
    }

    /** The history indices a convergence message names ({@code #12}): the report draws those calls. */
    private static List<Long> indices(String text) {
        List<Long> out = new ArrayList<>();
        Matcher m = INDEX.matcher(text);
        while (m.find()) out.add(Long.parseLong(m.group(1)));
        return out;
    }
}
