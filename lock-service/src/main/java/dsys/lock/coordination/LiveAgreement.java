package dsys.lock.coordination;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.lock.byzantine.AgreementOutcome;
import dsys.lock.byzantine.ByzantineAgreement;
import dsys.lock.byzantine.ByzantineGeneral;
import dsys.lock.byzantine.GeneralReport;
import dsys.lock.coordination.CoordinationMessages.AgreementBegin;
import dsys.lock.coordination.CoordinationMessages.AgreementDone;
import dsys.lock.coordination.CoordinationMessages.AgreementReport;
import dsys.lock.coordination.CoordinationResults.AgreementResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Byzantine agreement with the lock nodes as the generals: the rounds are real messages. A node moves to the next
 * round once it has every other general's report for this one, or after {@code byzantineRound} (a missing report
 * counts as UNKNOWN: the notes assume reliable, synchronous links, a live network gives neither). Reports for a
 * later round, or for a run this node has not heard of yet, wait. A traitor node lies through the run's strategy,
 * which is seeded, so every node lies the same way a simulated run with the same seed would.
 */
final class LiveAgreement {

    record RoundTimeout(long run, int round) {
    }

    record CollectTimeout(long run) {
    }

    private static final int KEPT = 32;

    private static final class Run {
        final AgreementBegin begin;
        final NodeId requester;
        final int me;
        final ByzantineGeneral general;
        int round = 1;
        boolean done;
        TimerId timer;
        final Set<Integer> got = new HashSet<>();
        final Map<Integer, List<AgreementReport>> early = new HashMap<>();
        final Map<String, Long> sent = new TreeMap<>();

        Run(AgreementBegin begin, NodeId requester, int me, ByzantineGeneral general) {
            this.begin = begin;
            this.requester = requester;
            this.me = me;
            this.general = general;
        }
    }

    private record Collect(RequestId request, AgreementInput input, List<GeneralReport> reports,
                           Map<String, Long> messages, TimerId timer) {
    }

    private final Env env;
    private final CoordinationSettings settings;
    private final Map<Long, Run> runs = bounded();
    private final Map<Long, List<AgreementReport>> orphans = bounded();
    private final Map<Long, Collect> collecting = new HashMap<>();

    LiveAgreement(Env env, CoordinationSettings settings) {
        this.env = env;
        this.settings = settings;
    }

    void start(RequestId request, AgreementInput in) {
        long id = env.random().nextLong();
        AgreementBegin b = new AgreementBegin(id, in.generals(), in.values(), List.copyOf(in.traitors()), in.rounds(),
                in.seed(), in.strategy());
        // worst case every round waits out its timeout; then the reports still have to travel
        TimerId t = env.after(settings.byzantineRound().multipliedBy(in.rounds() + 2L), new CollectTimeout(id));
        collecting.put(id, new Collect(request, in, new ArrayList<>(), new TreeMap<>(), t));
        env.emit("byzantine.start", Map.of("mode", "nodes", "run", id, "n", in.generals().size(),
                "m", in.traitors().size(), "rounds", in.rounds()));
        for (NodeId n : env.members().others(env.self())) env.send(n, b);
        onBegin(env.self(), b);
    }

    void onBegin(NodeId from, AgreementBegin b) {
        if (runs.containsKey(b.run())) return; // a duplicate
        int me = b.generals().indexOf(env.self().value());
        if (me < 0) return;
        AgreementInput in = new AgreementInput(b.generals(), b.values(), Set.copyOf(b.traitors()), b.rounds(), b.seed(), b.strategy());
        boolean traitor = b.traitors().contains(env.self().value());
        ByzantineGeneral g = new ByzantineGeneral(b.generals().size(), me, b.values().get(env.self().value()), b.rounds(),
                traitor ? in.liar() : null);
        Run run = new Run(b, from, me, g);
        runs.put(b.run(), run);
        sendRound(run);
        List<AgreementReport> waiting = orphans.remove(b.run());
        if (waiting != null) for (AgreementReport r : waiting) onReport(r);
    }

    void onReport(AgreementReport r) {
        Run run = runs.get(r.run());
        if (run == null) {
            orphans.computeIfAbsent(r.run(), k -> new ArrayList<>()).add(r);
            return;
        }
        if (run.done || r.round() < run.round) return; // too late: already counted as UNKNOWN
        if (r.round() > run.round) {
            run.early.computeIfAbsent(r.round(), k -> new ArrayList<>()).add(r);
            return;
        }
        if (r.from() == run.me || !run.got.add(r.from())) return;
        Map<Long, String> report = new HashMap<>();
        r.entries().forEach((k, v) -> report.put(run.general.path(k), v)); // a malformed key (−1) matches no path
        run.general.receive(r.round(), r.from(), report);
        if (run.got.size() == run.begin.generals().size() - 1) close(run);
    }

    void onTimer(Object timer) {
        if (timer instanceof RoundTimeout t) {
            Run run = runs.get(t.run());
            if (run == null || run.done || run.round != t.round()) return;
            env.emit("byzantine.round-timeout", Map.of("run", t.run(), "round", t.round(), "heardFrom", run.got.size()));
            close(run);
        } else if (timer instanceof CollectTimeout t && collecting.containsKey(t.run())) {
            reply(t.run());
        }
    }

    void onDone(AgreementDone d) {
        Collect c = collecting.get(d.run());
        if (c == null || c.reports().stream().anyMatch(r -> r.index() == d.index())) return;
        c.reports().add(new GeneralReport(d.index(), d.loyal(), d.vector(), d.received(), d.result(), d.decision()));
        d.sent().forEach((k, v) -> c.messages().merge(k, v, Long::sum));
        if (c.reports().size() == c.input().generals().size()) reply(d.run());
    }

    private void sendRound(Run run) {
        int n = run.begin.generals().size();
        for (int j = 0; j < n; j++) {
            if (j == run.me) continue;
            Map<String, String> entries = new LinkedHashMap<>();
            run.general.report(run.round, j).forEach((path, v) -> entries.put(run.general.key(path), v));
            AgreementReport r = new AgreementReport(run.begin.run(), run.round, run.me, entries);
            run.sent.merge(r.type(), 1L, Long::sum);
            env.send(NodeId.of(run.begin.generals().get(j)), r);
        }
        env.emit(run.round == 1 ? "byzantine.step1.send" : "byzantine.step3.send",
                Map.of("run", run.begin.run(), "round", run.round, "to", n - 1, "loyal", run.general.loyal()));
        run.timer = env.after(settings.byzantineRound(), new RoundTimeout(run.begin.run(), run.round));
    }

    private void close(Run run) {
        env.cancel(run.timer);
        run.general.closeRound(run.round);
        if (run.round == 1) env.emit("byzantine.step2.vector", Map.of("run", run.begin.run(), "vector", run.general.vector()));
        if (run.round == run.begin.rounds()) {
            run.done = true;
            GeneralReport r = GeneralReport.of(run.general, run.me, run.begin.generals().size());
            env.emit("byzantine.step4.result", Map.of("run", run.begin.run(), "result", r.result(), "decision", r.decision()));
            AgreementDone d = new AgreementDone(run.begin.run(), run.me, r.loyal(), r.vector(), r.received(), r.result(),
                    r.decision(), Map.copyOf(run.sent));
            if (run.requester.equals(env.self())) onDone(d);
            else env.send(run.requester, d);
            return;
        }
        run.round++;
        run.got.clear();
        sendRound(run);
        List<AgreementReport> early = run.early.remove(run.round);
        if (early != null) for (AgreementReport r : early) onReport(r);
    }

    private void reply(long id) {
        Collect c = collecting.remove(id);
        env.cancel(c.timer());
        AgreementInput in = c.input();
        List<String> missing = new ArrayList<>(in.generals());
        for (GeneralReport r : c.reports()) missing.remove(in.generals().get(r.index()));
        List<GeneralReport> sorted = new ArrayList<>(c.reports());
        sorted.sort(Comparator.comparingInt(GeneralReport::index));
        AgreementOutcome o = ByzantineAgreement.outcome(in.generals(), in.values(), in.traitors(), in.rounds(), sorted,
                c.messages(), (kind, fields) -> { });
        env.emit("byzantine.outcome", Map.of("mode", "nodes", "run", id, "agreed", o.agreed(), "valid", o.valid(),
                "possible", o.guaranteed(), "missing", missing));
        env.reply(c.request(), AgreementResult.of("nodes", o, in.seed(), in.strategy(), missing));
    }

    private static <V> Map<Long, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
                return size() > KEPT;
            }
        };
    }
}
