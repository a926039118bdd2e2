package dsys.core.commit;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.commit.CommitMessages.Decision;
import dsys.core.commit.CommitMessages.DecisionAck;
import dsys.core.commit.CommitMessages.PreCommit;
import dsys.core.commit.CommitMessages.PreCommitAck;
import dsys.core.commit.CommitMessages.StateReply;
import dsys.core.commit.CommitMessages.StateRequest;
import dsys.core.commit.CommitMessages.Vote;
import dsys.core.commit.CommitMessages.VoteRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator of 2PC and 3PC (the notes' §8). Every state is logged before the message that reveals it
 * leaves: INIT with the participants before any vote-request, PRECOMMIT before any PreCommit, the decision
 * before any global-commit/global-abort. A coordinator that restarts aborts what it had not decided (nobody can
 * have committed: 2PC commits only on its word, 3PC only after PRECOMMIT), resends what it had decided until
 * every participant acknowledged, and, for a 3PC transaction it left in PRECOMMIT, only asks: the participants'
 * termination protocol may have decided either way meanwhile, so a recovered coordinator learns, never decides.
 */
public final class CommitCoordinator implements Core {

    /** Crash points ({@code POST /api/chaos/crash-points}), in protocol order. */
    public static final String BEFORE_PREPARE = "before-prepare", AFTER_PREPARE_SENT = "after-prepare-sent",
            BEFORE_DECISION = "before-decision", AFTER_DECISION_LOGGED = "after-decision-logged",
            AFTER_DECISION_SENT_TO_SOME = "after-decision-sent-to-some", DURING_RECOVERY = "during-recovery";

    private static final String LOG = "commit.c.", ENDED = "commit.c-ended.", INCARNATION = "commit.c-incarnation";

    private enum Tick { VOTES, ACKS, RETRY }

    private record Timer(String txn, Tick tick) {
    }

    /** The coordinator's view of one transaction (volatile but for {@link #rec}, which is the log record). */
    private static final class Txn {
        TxnRecord rec;
        Map<String, List<TxnOp>> ops = Map.of();
        final Set<String> yes = new HashSet<>(), acked = new HashSet<>(), decisionAcked = new HashSet<>();
        /** The vote-commits' reads, per participant (volatile: lost with a crash, like the waiting client). */
        final Map<String, List<TxnRead>> reads = new HashMap<>();
        RequestId client;
        String reason;
        boolean learning;

        Txn(TxnRecord rec) {
            this.rec = rec;
        }
    }

    /**
     * What {@code Inspect} answers: the coordinator's state and log lines, and each participant's side
     * ({@link ParticipantView}), asked when the view is taken.
     */
    public record View(String txn, TxnState state, String protocol, List<String> participants, List<String> votedCommit,
                       List<String> acknowledged, String reason, List<String> log, Map<String, ParticipantView> participantStates) {

        View withParticipants(Map<String, ParticipantView> states) {
            return new View(txn, state, protocol, participants, votedCommit, acknowledged, reason, log, Map.copyOf(states));
        }
    }

    /** A participant's logged state ("none": no record), its log line, the keys it holds; state null: no answer in time. */
    public record ParticipantView(String state, String record, List<String> locked) {
        static final ParticipantView UNREACHABLE = new ParticipantView(null, null, List.of());
    }

    private final Env env;
    private final CommitTimeouts timeouts;
    private final DecisionTopic topic;
    private final Inspections inspections;
    private final Map<String, Txn> txns = new LinkedHashMap<>();
    private long incarnation;
    private long seq;

    public CommitCoordinator(Env env, CommitTimeouts timeouts) {
        this(env, timeouts, DecisionTopic.NONE);
    }

    /** With a {@link DecisionTopic}: every logged decision is published there too. */
    public CommitCoordinator(Env env, CommitTimeouts timeouts, DecisionTopic topic) {
        this.env = env;
        this.timeouts = timeouts;
        this.topic = topic;
        this.inspections = new Inspections(env, timeouts.window());
    }

    /**
     * A first start finds an empty log; a live node's process started again after {@code kill -9} also comes here
     * (its host cannot tell), so the log is read either way: a coordinator that forgot a committed transaction would
     * answer a participant's state request with presumed abort, and the participants would split.
     */
    @Override
    public void onStart() {
        recover();
    }

    @Override
    public void onRecover() {
        recover();
    }

    private void recover() {
        incarnation = env.storage().get(INCARNATION).map(Long::parseLong).orElse(0L) + 1;
        env.storage().put(INCARNATION, Long.toString(incarnation));
        boolean first = true;
        for (Map.Entry<String, String> e : env.storage().scan(LOG).entrySet()) {
            String id = e.getKey().substring(LOG.length());
            Txn t = new Txn(TxnRecord.decode(e.getValue()));
            txns.put(id, t);
            if (env.storage().get(ENDED + id).isPresent()) continue;
            if (!first) env.crashPoint(DURING_RECOVERY);
            first = false;
            switch (t.rec.state()) {
                case INIT, WAIT -> {
                    decide(id, t, TxnState.ABORT, "the coordinator restarted before it decided");
                    retryLater(id);
                }
                case PRECOMMIT -> {
                    t.learning = true; // asks on every retry tick until a participant reports the outcome
                    env.emit("txn.recovery.learn", Map.of("txn", id));
                    retryLater(id);
                }
                default -> {
                    env.emit("txn.recovery.resend", Map.of("txn", id, "state", t.rec.state().name()));
                    publish(id, t); // it may have crashed between its log and the topic
                    resendDecision(id, t);
                    retryLater(id);
                }
            }
        }
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof CommitRequests.Begin b) begin(request, b);
        else if (body instanceof CommitRequests.Inspect i) {
            Object v = view(i.txn());
            if (v instanceof View view) inspections.start(request, view);
            else env.reply(request, v);
        }
        else env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
    }

    private void begin(RequestId request, CommitRequests.Begin b) {
        if (b.operations() == null || b.operations().isEmpty()) {
            env.reply(request, Rejection.badRequest("a transaction needs operations at one participant at least"));
            return;
        }
        String id = b.idempotencyKey() != null ? "key-" + b.idempotencyKey() : env.self().value() + "-" + incarnation + "-" + (++seq);
        Txn known = txns.get(id);
        if (known != null) { // a retry: the first outcome, now or when it is decided
            if (known.rec.state().decided()) env.reply(request, outcome(id, known));
            else known.client = request;
            return;
        }
        if (id.contains("|") || id.contains(",")) {
            env.reply(request, Rejection.badRequest("an idempotency key must not contain '|' or ','"));
            return;
        }
        List<String> participants = new ArrayList<>(new java.util.TreeSet<>(b.operations().keySet()));
        Txn t = new Txn(new TxnRecord(TxnState.INIT, b.protocol(), env.self().value(), participants));
        t.ops = b.operations();
        t.client = request;
        txns.put(id, t);
        log(id, t);
        env.crashPoint(BEFORE_PREPARE);
        t.rec = t.rec.with(TxnState.WAIT); // not logged: INIT and WAIT recover alike (abort)
        env.emit("txn.vote-request", Map.of("txn", id, "protocol", b.protocol().label(), "participants", participants));
        for (String p : participants) sendVoteRequest(id, t, p);
        env.crashPoint(AFTER_PREPARE_SENT);
        env.after(timeouts.vote(), new Timer(id, Tick.VOTES));
        retryLater(id);
    }

    private void sendVoteRequest(String id, Txn t, String p) {
        env.send(NodeId.of(p), new VoteRequest(id, t.rec.protocol().label(), env.self().value(), t.rec.participants(),
                t.ops.getOrDefault(p, List.of())));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        String p = from.value();
        if (m instanceof Vote v) onVote(p, v);
        else if (m instanceof PreCommitAck a) {
            Txn t = txns.get(a.txn());
            if (t == null || t.rec.state() != TxnState.PRECOMMIT || t.learning) return;
            t.acked.add(p);
            if (t.acked.containsAll(t.rec.participants())) decide(a.txn(), t, TxnState.COMMIT, null);
        } else if (m instanceof DecisionAck a) {
            Txn t = txns.get(a.txn());
            if (t == null || !t.rec.state().decided()) return;
            t.decisionAcked.add(p);
            if (t.decisionAcked.containsAll(t.rec.participants()) && env.storage().get(ENDED + a.txn()).isEmpty()) {
                env.storage().put(ENDED + a.txn(), "1");
                env.emit("txn.ended", Map.of("txn", a.txn()));
            }
        } else if (m instanceof StateRequest r) {
            Txn t = txns.get(r.txn());
            // Presumed abort: a transaction this coordinator has no record of never got its commit.
            TxnState s = t == null ? TxnState.ABORT : t.rec.state() == TxnState.INIT ? TxnState.WAIT : t.rec.state();
            env.send(from, new StateReply(r.txn(), s));
        } else if (m instanceof StateReply r) {
            Txn t = txns.get(r.txn());
            if (t != null && t.learning && r.state().decided()) {
                t.learning = false;
                decide(r.txn(), t, r.state(), "learned from " + p + " (decided by the participants' termination)");
            }
        } else if (m instanceof CommitMessages.ViewReply r) {
            inspections.onReply(from, r);
        } else if (m instanceof Decision d) {
            // A 3PC participant that terminated the transaction tells everyone, this coordinator too.
            Txn t = txns.get(d.txn());
            if (t != null && !t.rec.state().decided() && t.learning) {
                t.learning = false;
                decide(d.txn(), t, d.commit() ? TxnState.COMMIT : TxnState.ABORT, "learned from " + p);
            }
            env.send(from, new DecisionAck(d.txn()));
        }
    }

    private void onVote(String p, Vote v) {
        Txn t = txns.get(v.txn());
        if (t == null || t.rec.state() != TxnState.WAIT) return; // late, repeated, or for a decided transaction
        env.emit("txn.vote", Map.of("txn", v.txn(), "participant", p, "vote", v.commit() ? "vote-commit" : "vote-abort"));
        if (!v.commit()) {
            decide(v.txn(), t, TxnState.ABORT, p + " voted vote-abort: " + v.reason());
            return;
        }
        t.yes.add(p);
        t.reads.put(p, v.reads());
        if (!t.yes.containsAll(t.rec.participants())) return;
        env.crashPoint(BEFORE_DECISION);
        if (t.rec.protocol() == CommitProtocol.TWO_PHASE) {
            decide(v.txn(), t, TxnState.COMMIT, null);
            return;
        }
        t.rec = t.rec.with(TxnState.PRECOMMIT);
        log(v.txn(), t);
        env.emit("txn.precommit", Map.of("txn", v.txn(), "participants", t.rec.participants()));
        for (String q : t.rec.participants()) env.send(NodeId.of(q), new PreCommit(v.txn()));
        env.after(timeouts.ack(), new Timer(v.txn(), Tick.ACKS));
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Inspections.Deadline d) inspections.onDeadline(d);
        if (!(timer instanceof Timer tm)) return;
        Txn t = txns.get(tm.txn());
        if (t == null) return;
        switch (tm.tick()) {
            case VOTES -> {
                if (t.rec.state() == TxnState.WAIT) {
                    List<String> silent = t.rec.participants().stream().filter(p -> !t.yes.contains(p)).toList();
                    decide(tm.txn(), t, TxnState.ABORT, "no vote from " + silent + " within " + timeouts.vote().toMillis() + " ms");
                }
            }
            // 3PC: an acknowledgement that did not come is a crashed participant; it learns the outcome when back.
            case ACKS -> {
                if (t.rec.state() == TxnState.PRECOMMIT && !t.learning) decide(tm.txn(), t, TxnState.COMMIT, null);
            }
            case RETRY -> retry(tm.txn(), t);
        }
    }

    private void retry(String id, Txn t) {
        if (env.storage().get(ENDED + id).isPresent()) return;
        if (t.learning) {
            for (String p : t.rec.participants()) env.send(NodeId.of(p), new StateRequest(id));
        } else if (t.rec.state() == TxnState.WAIT) {
            for (String p : t.rec.participants()) if (!t.yes.contains(p)) sendVoteRequest(id, t, p);
        } else if (t.rec.state() == TxnState.PRECOMMIT) {
            for (String p : t.rec.participants()) if (!t.acked.contains(p)) env.send(NodeId.of(p), new PreCommit(id));
        } else if (t.rec.state().decided()) {
            resendDecision(id, t);
        }
        retryLater(id);
    }

    private void retryLater(String id) {
        env.after(timeouts.retry(), new Timer(id, Tick.RETRY));
    }

    private void decide(String id, Txn t, TxnState outcome, String reason) {
        t.rec = t.rec.with(outcome);
        t.reason = reason;
        log(id, t);
        env.crashPoint(AFTER_DECISION_LOGGED);
        Map<String, Object> fields = new HashMap<>(Map.of("txn", id, "decision", outcome == TxnState.COMMIT ? "global-commit" : "global-abort"));
        if (reason != null) fields.put("reason", reason);
        env.emit("txn.decision", fields);
        publish(id, t);
        boolean first = true;
        for (String p : t.rec.participants()) {
            if (!first) env.crashPoint(AFTER_DECISION_SENT_TO_SOME);
            first = false;
            env.send(NodeId.of(p), new Decision(id, outcome == TxnState.COMMIT));
        }
        if (t.client != null) {
            env.reply(t.client, outcome(id, t));
            t.client = null;
        }
    }

    private static CommitRequests.Outcome outcome(String id, Txn t) {
        boolean committed = t.rec.state() == TxnState.COMMIT;
        List<TxnRead> reads = new java.util.ArrayList<>();
        if (committed) for (String p : t.rec.participants()) reads.addAll(t.reads.getOrDefault(p, List.of()));
        return new CommitRequests.Outcome(id, committed, t.reason, t.rec.participants(), reads);
    }

    private void publish(String id, Txn t) {
        topic.publish(new DecisionTopic.Published(id, t.rec.state() == TxnState.COMMIT, env.self().value(), t.rec.participants()));
    }

    private void resendDecision(String id, Txn t) {
        for (String p : t.rec.participants()) {
            if (!t.decisionAcked.contains(p)) env.send(NodeId.of(p), new Decision(id, t.rec.state() == TxnState.COMMIT));
        }
    }

    private void log(String id, Txn t) {
        env.storage().put(LOG + id, t.rec.encode());
    }

    private Object view(String id) {
        Txn t = txns.get(id);
        if (t == null) return new Rejection(404, "unknown-transaction", "Not found", "no transaction " + id + " here");
        return new View(id, t.rec.state(), t.rec.protocol().label(), t.rec.participants(), List.copyOf(new java.util.TreeSet<>(t.yes)),
                List.copyOf(new java.util.TreeSet<>(t.decisionAcked)), t.reason, logLines(id), Map.of());
    }

    private List<String> logLines(String id) {
        List<String> lines = new java.util.ArrayList<>();
        env.storage().get(LOG + id).ifPresent(r -> lines.add(LOG + id + " = " + r));
        env.storage().get(ENDED + id).ifPresent(r -> lines.add(ENDED + id + " = " + r));
        return lines;
    }

    /** The logged state of {@code txn} (null: unknown), for tests and views. */
    public TxnState state(String txn) {
        Txn t = txns.get(txn);
        return t == null ? null : t.rec.state();
    }

    /** The participants of {@code txn} (empty: unknown). */
    public List<String> participants(String txn) {
        Txn t = txns.get(txn);
        return t == null ? List.of() : t.rec.participants();
    }

    /** Every transaction this coordinator knows, in the order it began them. */
    public List<String> transactions() {
        return List.copyOf(txns.keySet());
    }
}
