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
 *
 * <p>Memory holds the transactions not yet ended (undecided, or decided and not acknowledged by every participant)
 * and a bounded cache of ended ones; an older one is read from the log when asked for (a retry with its
 * Idempotency-Key, a view, a late state request). A start reads only the open ones ({@code commit.c-open.}).
 */
public final class CommitCoordinator implements Core {

    /** Crash points ({@code POST /api/chaos/crash-points}), in protocol order. */
    public static final String BEFORE_PREPARE = "before-prepare", AFTER_PREPARE_SENT = "after-prepare-sent",
            BEFORE_DECISION = "before-decision", AFTER_DECISION_LOGGED = "after-decision-logged",
            AFTER_DECISION_SENT_TO_SOME = "after-decision-sent-to-some", DURING_RECOVERY = "during-recovery";

    /**
     * The log: a transaction's state record, its {@link DecisionRecord}, a mark while it is open (put with INIT,
     * removed with ENDED) so a start finds the open ones without reading the rest, and ENDED once every participant
     * acknowledged the decision.
     *
     * <p>Ended transactions begun without an Idempotency-Key leave the log once newer ones outnumber the bound
     * ({@link EndedRetention}); keyed ones stay, as a key has no expiry (API.md: a retry gets the first outcome).
     */
    private static final String LOG = "commit.c.", ENDED = "commit.c-ended.", OPEN = "commit.c-open.",
            OUTCOME = "commit.c-outcome.", OPEN_MARKED = "commit.c-open-marked", INCARNATION = "commit.c-incarnation";

    /** The prefix of a transaction id begun with an Idempotency-Key. */
    static final String KEYED = "key-";

    /** Ended transactions kept in memory unless the constructor says otherwise. */
    public static final int ENDED_IN_MEMORY = 10_000;

    private enum Tick { VOTES, ACKS, RETRY }

    private record Timer(String txn, Tick tick) {
    }

    /** The coordinator's view of one transaction (volatile but for {@link #rec} and {@link #logged}, which are logged). */
    private static final class Txn {
        TxnRecord rec;
        /** What is logged beside rec: the reads from PRECOMMIT on, everything once decided. */
        DecisionRecord logged = DecisionRecord.NONE;
        Map<String, List<TxnOp>> ops = Map.of();
        final Set<String> yes = new HashSet<>(), acked = new HashSet<>(), decisionAcked = new HashSet<>();
        /** The vote-commits' reads, per participant, until they are logged. */
        final Map<String, List<TxnRead>> reads = new HashMap<>();
        /** Protocol messages sent and received until the decision, by name ({@link CommitRequests.Messages}). */
        final Map<String, Long> messages = new java.util.TreeMap<>();
        RequestId client;
        boolean learning;
        /** Participants that had not voted at the vote timeout (volatile: a hint for the host's routing). */
        List<String> silent = List.of();

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
    /** Not ended: every one is in memory. */
    private final Map<String, Txn> open = new LinkedHashMap<>();
    /** The most recently ended or looked-up ended ones; the rest are read from the log on demand. */
    private final Map<String, Txn> ended;
    private final EndedRetention retention;
    /** Per participant: ended transactions it has not been told of yet (with its next vote-request), oldest first. */
    private final Map<String, java.util.ArrayDeque<String>> unreported = new HashMap<>();
    private long incarnation;
    private long seq;

    public CommitCoordinator(Env env, CommitTimeouts timeouts) {
        this(env, timeouts, DecisionTopic.NONE);
    }

    /** With a {@link DecisionTopic}: every logged decision is published there too. */
    public CommitCoordinator(Env env, CommitTimeouts timeouts, DecisionTopic topic) {
        this(env, timeouts, topic, ENDED_IN_MEMORY);
    }

    /** Keeping at most {@code endedInMemory} ended transactions in memory (0: none; each costs a log read when asked). */
    public CommitCoordinator(Env env, CommitTimeouts timeouts, DecisionTopic topic, int endedInMemory) {
        this(env, timeouts, topic, endedInMemory, Long.MAX_VALUE);
    }

    /**
     * ... and at most {@code retainedEnded} ended transactions without an Idempotency-Key in the log (the newest);
     * an older one is unknown here afterwards (GET /api/txn/{id}: 404).
     */
    public CommitCoordinator(Env env, CommitTimeouts timeouts, DecisionTopic topic, int endedInMemory, long retainedEnded) {
        if (endedInMemory < 0) throw new IllegalArgumentException("endedInMemory must be 0 or more, got " + endedInMemory);
        this.retention = new EndedRetention(retainedEnded);
        this.env = env;
        this.timeouts = timeouts;
        this.topic = topic;
        this.inspections = new Inspections(env, timeouts.window());
        this.ended = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Txn> eldest) {
                return size() > endedInMemory;
            }
        };
    }

    /**
     * A first start finds an empty log; a live node's process started again after {@code kill -9} also comes here
     * (its host cannot tell), so the open transactions are read either way: a coordinator that forgot a committed one
     * would answer a participant's state request with presumed abort, and the participants would split.
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
        markOpenOnce();
        retention.load(env.storage(), ENDED, this::forget);
        boolean first = true;
        for (String mark : env.storage().scan(OPEN).keySet()) {
            String id = mark.substring(OPEN.length());
            Txn t = new Txn(TxnRecord.decode(env.storage().get(LOG + id).orElseThrow()));
            t.logged = loggedOutcome(id);
            open.put(id, t);
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

    /**
     * A log written before the open marks has none: mark each transaction not ended, once. The one start that scans
     * the whole log ({@link dsys.core.env.Durable#scan} copies every record once; none is kept).
     */
    private void markOpenOnce() {
        if (env.storage().get(OPEN_MARKED).isPresent()) return;
        for (String key : env.storage().scan(LOG).keySet()) {
            String id = key.substring(LOG.length());
            if (env.storage().get(ENDED + id).isEmpty()) env.storage().put(OPEN + id, "1");
        }
        env.storage().put(OPEN_MARKED, "1");
    }

    /** An open transaction, else an ended one: cached, or read from the log (and cached). Null: never logged here. */
    private Txn find(String id) {
        Txn t = open.get(id);
        if (t == null) t = ended.get(id);
        if (t != null) return t;
        java.util.Optional<String> line = env.storage().get(LOG + id);
        if (line.isEmpty()) return null;
        t = new Txn(TxnRecord.decode(line.get()));
        t.logged = loggedOutcome(id);
        t.decisionAcked.addAll(t.rec.participants()); // not open, so ended: every participant acknowledged
        if (t.rec.state() == TxnState.COMMIT) t.yes.addAll(t.rec.participants());
        ended.put(id, t);
        return t;
    }

    private DecisionRecord loggedOutcome(String id) {
        return env.storage().get(OUTCOME + id).map(DecisionRecord::decode).orElse(DecisionRecord.NONE);
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
        String id = b.idempotencyKey() != null ? KEYED + b.idempotencyKey() : env.self().value() + "-" + incarnation + "-" + (++seq);
        Txn known = find(id);
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
        open.put(id, t);
        env.storage().put(OPEN + id, "1");
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
        send(t, NodeId.of(p), new VoteRequest(id, t.rec.protocol().label(), env.self().value(), t.rec.participants(),
                t.ops.getOrDefault(p, List.of()), reportEnded(p)));
    }

    /** Tells a participant which of its transactions ended: a few per message; a lost message's are not sent again. */
    private List<String> reportEnded(String p) {
        java.util.ArrayDeque<String> q = unreported.get(p);
        if (q == null || q.isEmpty()) return List.of();
        List<String> out = new ArrayList<>(Math.min(q.size(), REPORTED_PER_MESSAGE));
        while (!q.isEmpty() && out.size() < REPORTED_PER_MESSAGE) out.add(q.pollFirst());
        return out;
    }

    /** Ended ids per vote-request: a participant gets one for each transaction of its that ends, so 16 drain a burst. */
    private static final int REPORTED_PER_MESSAGE = 16;
    /** Ids waiting per participant; beyond, the oldest are never reported (that participant keeps their records). */
    private static final int UNREPORTED_MAX = 10_000;

    @Override
    public void onMessage(NodeId from, Message m) {
        String p = from.value();
        if (m instanceof CommitMessages.ViewReply r) {
            inspections.onReply(from, r);
            return;
        }
        if (m instanceof CommitMessages.EndedQuery q) {
            env.send(from, new CommitMessages.EndedReply(q.txns().stream().filter(id -> !open.containsKey(id)).toList()));
            return;
        }
        String id = CommitMessages.txn(m);
        if (id == null) return;
        Txn t = open.get(id);
        count(t, m);
        if (m instanceof Vote v) {
            onVote(p, t, v);
            for (String a : v.acked()) acked(p, a);
        } else if (m instanceof PreCommitAck) {
            if (t == null || t.rec.state() != TxnState.PRECOMMIT || t.learning) return;
            t.acked.add(p);
            if (t.acked.containsAll(t.rec.participants())) decide(id, t, TxnState.COMMIT, null);
        } else if (m instanceof DecisionAck a) {
            acked(p, id);
            for (String more : a.also()) acked(p, more);
        } else if (m instanceof StateRequest) {
            Txn known = t != null ? t : find(id);
            // Presumed abort: a transaction this coordinator has no record of never got its commit.
            TxnState s = known == null ? TxnState.ABORT : known.rec.state() == TxnState.INIT ? TxnState.WAIT : known.rec.state();
            send(t, from, new StateReply(id, s));
        } else if (m instanceof StateReply r) {
            if (t != null && t.learning && r.state().decided()) {
                t.learning = false;
                decide(id, t, r.state(), "learned from " + p + " (decided by the participants' termination)");
            }
        } else if (m instanceof Decision d) {
            // A 3PC participant that terminated the transaction tells everyone, this coordinator too.
            if (t != null && !t.rec.state().decided() && t.learning) {
                t.learning = false;
                decide(id, t, d.commit() ? TxnState.COMMIT : TxnState.ABORT, "learned from " + p);
            }
            env.send(from, new DecisionAck(id));
        }
    }

    /** {@code p} logged the decision of {@code id}: alone in a {@link DecisionAck}, or along with a vote. */
    private void acked(String p, String id) {
        Txn t = open.get(id);
        if (t == null || !t.rec.state().decided()) return; // an ended one is acknowledged already
        t.decisionAcked.add(p);
        if (t.decisionAcked.containsAll(t.rec.participants())) end(id, t);
    }

    /**
     * Every participant acknowledged the decision: ENDED is logged, the open mark goes, and the transaction leaves
     * memory but for the bounded cache of ended ones (without its operations and votes' reads, which are logged).
     */
    private void end(String id, Txn t) {
        env.storage().put(ENDED + id, "1");
        env.storage().remove(OPEN + id);
        open.remove(id);
        t.ops = Map.of();
        t.reads.clear();
        t.acked.clear();
        ended.put(id, t);
        env.emit("txn.ended", Map.of("txn", id));
        retention.ended(env.storage(), id, this::forget);
        for (String p : t.rec.participants()) {
            java.util.ArrayDeque<String> q = unreported.computeIfAbsent(p, k -> new java.util.ArrayDeque<>());
            q.addLast(id);
            if (q.size() > UNREPORTED_MAX) q.pollFirst();
        }
    }

    /** An ended transaction (only those are numbered) leaves the log and the cache: unknown here from now on. */
    private void forget(String id) {
        env.storage().remove(LOG + id);
        env.storage().remove(OUTCOME + id);
        env.storage().remove(ENDED + id);
        ended.remove(id);
    }

    /** Counts {@code m} in {@code t}'s messages while it is undecided (see {@link CommitRequests.Messages}). */
    private static void count(Txn t, Message m) {
        String name = CommitMessages.name(m);
        if (t != null && name != null && !t.rec.state().decided()) t.messages.merge(name, 1L, Long::sum);
    }

    private void send(Txn t, NodeId to, Message m) {
        count(t, m);
        env.send(to, m);
    }

    private void onVote(String p, Txn t, Vote v) {
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
        logOutcome(v.txn(), t, new DecisionRecord(null, votedReads(t), Map.of())); // a restart here may still learn a commit
        log(v.txn(), t);
        env.emit("txn.precommit", Map.of("txn", v.txn(), "participants", t.rec.participants()));
        for (String q : t.rec.participants()) send(t, NodeId.of(q), new PreCommit(v.txn()));
        env.after(timeouts.ack(), new Timer(v.txn(), Tick.ACKS));
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Inspections.Deadline d) inspections.onDeadline(d);
        if (!(timer instanceof Timer tm)) return;
        Txn t = open.get(tm.txn());
        if (t == null) return; // ended
        switch (tm.tick()) {
            case VOTES -> {
                if (t.rec.state() == TxnState.WAIT) {
                    List<String> silent = t.rec.participants().stream().filter(p -> !t.yes.contains(p)).toList();
                    t.silent = silent;
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
        if (t.learning) {
            for (String p : t.rec.participants()) send(t, NodeId.of(p), new StateRequest(id, env.self().value()));
        } else if (t.rec.state() == TxnState.WAIT) {
            for (String p : t.rec.participants()) if (!t.yes.contains(p)) sendVoteRequest(id, t, p);
        } else if (t.rec.state() == TxnState.PRECOMMIT) {
            for (String p : t.rec.participants()) if (!t.acked.contains(p)) send(t, NodeId.of(p), new PreCommit(id));
        } else if (t.rec.state().decided()) {
            resendDecision(id, t);
        }
        retryLater(id);
    }

    private void retryLater(String id) {
        env.after(timeouts.retry(), new Timer(id, Tick.RETRY));
    }

    private void decide(String id, Txn t, TxnState outcome, String reason) {
        List<TxnRead> reads = outcome == TxnState.COMMIT ? votedReads(t) : List.of();
        t.rec = t.rec.with(outcome);
        logOutcome(id, t, new DecisionRecord(reason, reads, t.messages));
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
            send(t, NodeId.of(p), new Decision(id, outcome == TxnState.COMMIT, env.self().value()));
        }
        if (t.client != null) {
            env.reply(t.client, outcome(id, t));
            t.client = null;
        }
    }

    private static CommitRequests.Outcome outcome(String id, Txn t) {
        return new CommitRequests.Outcome(id, t.rec.state() == TxnState.COMMIT, t.logged.reason(), t.rec.participants(),
                t.logged.reads(), CommitRequests.Messages.of(t.logged.messages()), t.silent);
    }

    /** The vote-commits' reads in participant order; after a restart in PRECOMMIT, those logged with it. */
    private static List<TxnRead> votedReads(Txn t) {
        if (t.reads.isEmpty()) return t.logged.reads();
        List<TxnRead> out = new ArrayList<>();
        for (String p : t.rec.participants()) out.addAll(t.reads.getOrDefault(p, List.of()));
        return out;
    }

    /** Put in the same step as the state record it goes with, so one group commit makes both durable. */
    private void logOutcome(String id, Txn t, DecisionRecord r) {
        t.logged = r;
        env.storage().put(OUTCOME + id, r.encode());
    }

    private void publish(String id, Txn t) {
        topic.publish(new DecisionTopic.Published(id, t.rec.state() == TxnState.COMMIT, env.self().value(), t.rec.participants()));
    }

    private void resendDecision(String id, Txn t) {
        for (String p : t.rec.participants()) {
            if (!t.decisionAcked.contains(p)) send(t, NodeId.of(p), new Decision(id, t.rec.state() == TxnState.COMMIT, env.self().value()));
        }
    }

    private void log(String id, Txn t) {
        env.storage().put(LOG + id, t.rec.encode());
    }

    private Object view(String id) {
        Txn t = find(id);
        if (t == null) return new Rejection(404, "unknown-transaction", "Not found", "no transaction " + id + " here");
        return new View(id, t.rec.state(), t.rec.protocol().label(), t.rec.participants(), List.copyOf(new java.util.TreeSet<>(t.yes)),
                List.copyOf(new java.util.TreeSet<>(t.decisionAcked)), t.logged.reason(), logLines(id), Map.of());
    }

    private List<String> logLines(String id) {
        List<String> lines = new java.util.ArrayList<>();
        env.storage().get(LOG + id).ifPresent(r -> lines.add(LOG + id + " = " + r));
        env.storage().get(OUTCOME + id).ifPresent(r -> lines.add(OUTCOME + id + " = " + r.replace('\n', ' ')));
        env.storage().get(ENDED + id).ifPresent(r -> lines.add(ENDED + id + " = " + r));
        return lines;
    }

    /** The logged state of {@code txn} (null: unknown), for tests and views. */
    public TxnState state(String txn) {
        Txn t = find(txn);
        return t == null ? null : t.rec.state();
    }

    /** The participants of {@code txn} (empty: unknown). */
    public List<String> participants(String txn) {
        Txn t = find(txn);
        return t == null ? List.of() : t.rec.participants();
    }

    /** Every transaction in the log, in id order: a scan of the whole log, for tests and tools only. */
    public List<String> transactions() {
        return env.storage().scan(LOG).keySet().stream().map(k -> k.substring(LOG.length())).toList();
    }

    /** Transactions held in memory: the open ones (not ended) and the cached ended ones. */
    public int inMemory() {
        return open.size() + ended.size();
    }

    /** Transactions not ended (undecided, or decided and not acknowledged by every participant). */
    public int openTransactions() {
        return open.size();
    }
}
