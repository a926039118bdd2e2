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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Judges a {@code set} history from the history alone (so the file can be judged again): the replica states are
 * the last {@code final.<node>} read of each key, checked with {@link ConvergenceChecker} (convergence, no
 * acknowledged write lost, no value from thin air, no deleted key resurrected, all in real-time order) and with
 * {@link LastWriterWins} (the highest acknowledged version won); the clients' calls with {@link SessionChecker}.
 * Invalid if any finds a violation (for sessions: among those that asked); unknown if a replica never answered
 * for a key after the heal. What sessions without the header saw is reported, not judged, and so is how many
 * real-time findings the store's own order explains (Lamport time is not real time across nodes).
 */
final class SetJudgement {

    private static final Pattern INDEX = Pattern.compile("#(\\d+)");

    private SetJudgement() {
    }

    static Judgement judge(History h, List<String> nodes) {
        long t0 = System.nanoTime();
        Map<String, Map<String, Object>> replicas = new LinkedHashMap<>();
        Map<String, Map<String, String>> versions = new LinkedHashMap<>();
        nodes.forEach(n -> replicas.put(n, new LinkedHashMap<>()));
        nodes.forEach(n -> versions.put(n, new LinkedHashMap<>()));
        Map<String, Call> lastFinal = new LinkedHashMap<>();
        TreeSet<String> keys = new TreeSet<>();
        for (Call c : h.calls()) {
            if (c.key() == null) continue;
            keys.add(c.key());
            if (c.process().startsWith(SetWorkload.FINAL) && c.f().equals("read")) {
                lastFinal.put(c.process().substring(SetWorkload.FINAL.length()) + " " + c.key(), c);
            }
        }
        List<Judgement.Finding> findings = new ArrayList<>();
        Verdict unknown = Verdict.VALID;
        for (String n : nodes) {
            for (String k : keys) {
                Call c = lastFinal.get(n + " " + k);
                if (c != null && c.isOk()) {
                    replicas.get(n).put(k, c.output());
                    versions.get(n).put(k, c.version());
                } else {
                    unknown = Verdict.UNKNOWN;
                    findings.add(new Judgement.Finding(k, "key " + k + ": unknown, " + n + " gave no copy after the heal"
                            + (c == null ? "" : " (" + c.completion().error() + ")"), List.of()));
                }
            }
        }
        // A replica that never answered is left out of the comparison rather than read as "absent".
        Map<String, Map<String, Object>> answered = new LinkedHashMap<>(replicas);
        answered.entrySet().removeIf(e -> e.getValue().size() < keys.size());
        CheckResult conv = ConvergenceChecker.check(h, answered);
        CheckResult lww = LastWriterWins.check(h, versions);
        SessionResult sess = SessionChecker.check(clients(h));

        Map<String, Judgement.KeyResult> perKey = new LinkedHashMap<>();
        Map<String, List<Call>> byKey = h.callsByKey();
        for (String k : keys) {
            boolean bad = Stream.concat(conv.violations().stream(), lww.violations().stream()).anyMatch(v -> v.startsWith("key " + k + ":"))
                    || sess.requesting().values().stream().flatMap(List::stream).anyMatch(v -> v.key().equals(k));
            StringBuilder held = new StringBuilder("replicas:");
            replicas.forEach((n, m) -> held.append(' ').append(n).append('=').append(m.containsKey(k) ? String.valueOf(m.get(k)) : "?"));
            perKey.put(k, new Judgement.KeyResult(bad ? Verdict.INVALID : Verdict.VALID, byKey.getOrDefault(k, List.of()).size(), held.toString()));
        }
        for (String v : conv.violations()) {
            findings.add(new Judgement.Finding(keyOf(v), "convergence: " + v, indices(v)));
        }
        for (String v : lww.violations()) {
            findings.add(new Judgement.Finding(keyOf(v), "last-writer-wins: " + v, indices(v)));
        }
        for (List<SessionResult.Violation> vs : sess.requesting().values()) {
            for (SessionResult.Violation v : vs) {
                findings.add(new Judgement.Finding(v.key(), v.text(), List.of(v.earlier().invoke().index(), v.later().invoke().index())));
            }
        }
        Verdict verdict = conv.verdict().and(lww.verdict()).and(sess.verdict()).and(unknown);
        int asked = SessionResult.count(sess.requesting());
        String summary = "convergence " + conv.verdict().label() + " over " + answered.size() + " of " + nodes.size()
                + " replicas and " + keys.size() + " key(s); last writer wins " + lww.verdict().label() + "; session guarantees " + sess.verdict().label() + ": "
                + asked + " violation(s) among " + sess.requestingSessions() + " session(s) that asked, "
                + sess.checked() + " calls with versions";
        List<String> notes = new ArrayList<>();
        long explained = conv.violations().stream().map(SetJudgement::keyOf)
                .filter(k -> k != null && lww.violations().stream().noneMatch(v -> v.startsWith("key " + k + ":"))).distinct().count();
        if (!conv.isValid()) {
            notes.add("real-time findings on " + explained + " key(s) where the highest version won: the store's "
                    + "version order (Lamport time, node) disagreed with real time there");
        }
        for (Guarantee g : Guarantee.values()) {
            notes.add(g.label() + ": " + sess.requesting().get(g).size() + " violation(s) with the header ("
                    + sess.requestingSessions() + " sessions); observed violations without the header: "
                    + sess.without().get(g).size() + " (" + sess.otherSessions() + " sessions)");
        }
        return new Judgement("convergence of the replicas after the heal, and session guarantees per session and key",
                verdict, perKey, findings, System.nanoTime() - t0, summary, notes);
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
