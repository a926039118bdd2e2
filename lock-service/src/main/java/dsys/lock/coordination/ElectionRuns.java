package dsys.lock.coordination;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.lock.coordination.CoordinationMessages.TallyQuery;
import dsys.lock.coordination.CoordinationMessages.TallyReply;
import dsys.lock.coordination.CoordinationResults.ElectionResult;
import dsys.lock.coordination.CoordinationResults.Messages;
import dsys.lock.election.AbstractElection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Election requests in flight. A request waits until this node's part of the election is over and it knows the
 * leader, then a quiet period (late ELECTIONs can still make other nodes answer or re-elect in the same round),
 * then every node is asked how many messages it sent for that election's round (each election message carries
 * the round of the election that caused it), and the sum is the answer's {@code messages}.
 */
final class ElectionRuns {

    record Deadline(RequestId request) {
    }

    record TallyTimeout(long query) {
    }

    record Quiet(RequestId request) {
    }

    private record Waiting(RequestId request, AbstractElection election, String round, TimerId deadline, boolean quiet) {
        Waiting quieting() {
            return new Waiting(request, election, round, deadline, true);
        }
    }

    private record Tally(RequestId request, AbstractElection election, String round, String leader, long epoch,
                         Map<String, Long> sum, TreeSet<String> counted, TreeSet<String> missing, TimerId timer) {
    }

    private final Env env;
    private final CoordinationSettings settings;
    private final List<Waiting> waiting = new ArrayList<>();
    private final Map<Long, Tally> tallies = new HashMap<>();

    ElectionRuns(Env env, CoordinationSettings settings) {
        this.env = env;
        this.settings = settings;
    }

    void start(RequestId request, AbstractElection election) {
        String round = election.startRound();
        waiting.add(new Waiting(request, election, round, env.after(settings.requestTimeout(), new Deadline(request)), false));
        poll();
    }

    /** Called after every step of the core: has a waiting election settled here? Then wait for quiet. */
    void poll() {
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            if (w.quiet() || !settled(w)) continue;
            waiting.set(i, w.quieting());
            env.after(settings.quietPeriod(), new Quiet(w.request()));
        }
    }

    private static boolean settled(Waiting w) {
        return !w.election().inProgress() && w.election().leader().isPresent();
    }

    private void count(Waiting w) {
        long query = env.random().nextLong();
        List<NodeId> others = env.members().others(env.self());
        TreeSet<String> missing = new TreeSet<>();
        for (NodeId n : others) missing.add(n.value());
        Tally t = new Tally(w.request(), w.election(), w.round(), w.election().leader().orElseThrow().value(),
                w.election().epoch(), new TreeMap<>(w.election().messagesInRound(w.round())),
                new TreeSet<>(List.of(env.self().value())), missing, env.after(settings.tallyTimeout(), new TallyTimeout(query)));
        tallies.put(query, t);
        for (NodeId n : others) env.send(n, new TallyQuery(query, w.election().algorithm(), w.round()));
        if (missing.isEmpty()) finish(query);
    }

    void onQuery(NodeId from, TallyQuery q, AbstractElection election) {
        env.send(from, new TallyReply(q.query(), election == null ? Map.of() : election.messagesInRound(q.round())));
    }

    void onReply(NodeId from, TallyReply r) {
        Tally t = tallies.get(r.query());
        if (t == null || !t.missing().remove(from.value())) return; // late, or a duplicate
        t.counted().add(from.value());
        r.sent().forEach((type, n) -> t.sum().merge(type, n, Long::sum));
        if (t.missing().isEmpty()) finish(r.query());
    }

    void onTimer(Object timer) {
        if (timer instanceof Quiet q) {
            for (int i = 0; i < waiting.size(); i++) {
                Waiting w = waiting.get(i);
                if (!w.request().equals(q.request())) continue;
                if (settled(w)) {
                    waiting.remove(i);
                    env.cancel(w.deadline());
                    count(w);
                } else {
                    waiting.set(i, new Waiting(w.request(), w.election(), w.round(), w.deadline(), false)); // re-elected meanwhile
                }
                return;
            }
        } else if (timer instanceof TallyTimeout t && tallies.containsKey(t.query())) {
            finish(t.query());
        } else if (timer instanceof Deadline d) {
            for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (!w.request().equals(d.request())) continue;
                it.remove();
                env.reply(w.request(), Rejection.timeout("the " + w.election().algorithm() + " election did not settle within "
                        + settings.requestTimeout().toMillis() + " ms at " + env.self() + " (partitioned, or its peers are down?)"));
            }
        }
    }

    private void finish(long query) {
        Tally t = tallies.remove(query);
        env.cancel(t.timer());
        env.emit("election.counted", Map.of("algorithm", t.election().algorithm(), "round", t.round(),
                "messages", t.sum().values().stream().mapToLong(Long::longValue).sum(), "notCounted", List.copyOf(t.missing())));
        env.reply(t.request(), new ElectionResult(t.election().algorithm(), t.leader(), t.epoch(), t.round(),
                Messages.of(t.sum()), List.copyOf(t.counted()), List.copyOf(t.missing())));
    }
}
