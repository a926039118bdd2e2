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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A participant of 2PC and 3PC. On a vote-request it prepares (locks, intents) and logs READY before it votes
 * vote-commit; from then on it may not decide alone. READY is written lazily when the vote-request comes
 * ({@link dsys.core.env.Durable#putLazily}) and forced before the vote leaves: the fsync of the locks' own writes
 * usually takes it to disk first, so the vote waits for no fsync of its own. A crash in between may leave READY
 * logged for a transaction whose vote never left; such a participant asks like any READY one, and the coordinator,
 * which never had its vote, aborts. A participant that hears nothing for
 * {@link CommitTimeouts#ready()} terminates:
 * <ul>
 *   <li>2PC, cooperative termination (the notes' table): it asks the coordinator and the other participants.
 *   One in COMMIT or ABORT tells the outcome; one that never voted (INIT) aborts on the spot and says so; one
 *   in READY knows nothing. When every participant it reaches is READY and the coordinator is silent it is
 *   <b>blocked</b>, holding its locks, and keeps asking.</li>
 *   <li>3PC: a new coordinator is elected among the participants (the lowest id among those that answer a state
 *   request within the window) and decides from their states: any COMMIT or ABORT is the outcome; any INIT
 *   aborts; any PRECOMMIT commits, after moving the READY ones to PRECOMMIT (so that if it fails half-way the
 *   next one still finds a PRECOMMIT); all READY aborts (the old coordinator commits only once every live
 *   participant is in PRECOMMIT). Two sides of a partition elect two coordinators and may decide both ways.</li>
 * </ul>
 * A participant back from a crash takes part in a decision only when every participant answers and none has
 * decided (after a total failure); until then it only asks.
 *
 * <p>It forgets a decided transaction (its record, in memory and in the log) once the coordinator reports it ended
 * (every participant acknowledged the decision, so no peer is left to ask about it) and a grace period has passed,
 * longer than any message takes: a late copy of its vote-request would otherwise prepare it again. Without a grace
 * period (null) it forgets nothing. Reports are lost with a crash of either side, and one participant hears of a
 * transaction's end only with its next vote-request from that coordinator: so every grace period it also asks
 * ({@link CommitMessages.EndedQuery}) about the decided transactions it has held that long without a report, and the
 * coordinator answers which of them are no longer open there (ended; only ended ones leave its log).
 */
public final class CommitParticipant implements Core {

    /** Crash points, in protocol order. */
    public static final String BEFORE_PREPARE = "before-prepare", BEFORE_VOTE_SENT = "before-vote-sent",
            AFTER_VOTE_LOGGED = "after-vote-logged", AFTER_DECISION_LOGGED = "after-decision-logged",
            DURING_RECOVERY = "during-recovery";

    private static final String LOG = "commit.p.";

    private enum Tick { READY, WINDOW, ACKS }

    /** The timer that forgets the transactions whose grace period is over. */
    private enum Forgetting { DUE, ASK }

    /** The timer that sends the acknowledgements no vote took along ({@link #unacked}). */
    private enum AckRide { DUE }

    /**
     * How long a decision's acknowledgement waits to ride on the next vote to its sender: far inside the coordinator's
     * retry (250 ms live), after which it would send the decision again.
     */
    static final java.time.Duration ACK_RIDE = java.time.Duration.ofMillis(20);

    /** Acknowledgements per {@link DecisionAck} sent alone. */
    private static final int ACKED_PER_MESSAGE = 256;

    /** Ids per {@link CommitMessages.EndedQuery}, and queries per coordinator and grace period at most. */
    private static final int ASKED_PER_QUERY = 256, QUERIES_PER_ROUND = 4;

    private record Forget(String txn, long dueNanos) {
    }

    private record Timer(String txn, Tick tick, long round) {
    }

    private enum Phase { WAITING, COLLECTING, PRECOMMITTING }

    private static final class Txn {
        TxnRecord rec;
        boolean recovered;
        /** When this participant logged the decision, or loaded it at start (its nanoTime). */
        long decidedAt;
        Phase phase = Phase.WAITING;
        long round;
        boolean blockedReported;
        /** A termination round went out: the next one first judges its answers (or their absence). */
        boolean asked;
        final Map<String, TxnState> states = new HashMap<>();
        final Set<String> awaitingAcks = new HashSet<>();

        Txn(TxnRecord rec) {
            this.rec = rec;
        }
    }

    /** What {@code Inspect} answers: the logged state, and the locks this participant holds. */
    public record View(String txn, TxnState state, boolean recovered, Map<String, String> locks) {
    }

    /** A participant's state of one transaction (for views). */
    public record Inspect(String txn) {
    }

    private final Env env;
    private final ResourceManager resources;
    private final CommitTimeouts timeouts;
    private final DecisionTopic topic;
    private final Map<String, Txn> txns = new HashMap<>();
    /** Transactions whose locks are being taken (an asynchronous resource manager): no vote yet, no record. */
    private final Set<String> preparing = new HashSet<>();
    /** Reported ended, oldest first, each forgotten at its due time. */
    private final java.util.ArrayDeque<Forget> forgetting = new java.util.ArrayDeque<>();
    /** The ids in {@link #forgetting}. */
    private final Set<String> reported = new HashSet<>();
    private final java.time.Duration forgetAfter;
    private boolean forgetArmed, askArmed, ackArmed;
    /**
     * Decisions logged here and not acknowledged yet, by the node that sent them. They go with the next vote to that
     * node, or alone after {@link #ACK_RIDE}: under load a message less per participant and transaction, and the
     * decision's log write then shares the next step's fsync. Lost with a crash, like an acknowledgement in flight:
     * the coordinator sends the decision again.
     */
    private final Map<NodeId, List<String>> unacked = new java.util.LinkedHashMap<>();

    public CommitParticipant(Env env, ResourceManager resources, CommitTimeouts timeouts) {
        this(env, resources, timeouts, DecisionTopic.NONE);
    }

    /** With a {@link DecisionTopic}: a decision this participant takes as 3PC's elected coordinator is published too. */
    public CommitParticipant(Env env, ResourceManager resources, CommitTimeouts timeouts, DecisionTopic topic) {
        this(env, resources, timeouts, topic, null);
    }

    /** ... and forgetting ended transactions {@code forgetAfter} after the coordinator reported them (null: never). */
    public CommitParticipant(Env env, ResourceManager resources, CommitTimeouts timeouts, DecisionTopic topic,
                             java.time.Duration forgetAfter) {
        this.forgetAfter = forgetAfter;
        this.env = env;
        this.resources = resources;
        this.timeouts = timeouts;
        this.topic = topic;
    }

    @Override
    public void onStart() {
        load(false);
    }

    @Override
    public void onRecover() {
        load(true);
    }

    /**
     * Re-reads the log. Decided transactions are ended again in the resources (idempotent: a crash may have come
     * before); prepared ones with no vote logged are aborted (the crash came between the locks and the vote, so
     * nobody got a vote-commit). Undecided ones are what a node back from a crash may only learn the end of; a
     * first start has none.
     */
    private void load(boolean afterCrash) {
        txns.clear();
        resources.recover();
        boolean first = true;
        for (Map.Entry<String, String> e : env.storage().scan(LOG).entrySet()) {
            String id = e.getKey().substring(LOG.length());
            Txn t = new Txn(TxnRecord.decode(e.getValue()));
            txns.put(id, t);
            if (t.rec.state().decided()) {
                t.decidedAt = env.nanoTime();
                armAsk();
                continue;
            }
            if (!first) env.crashPoint(DURING_RECOVERY);
            first = false;
            t.recovered = true;
            env.emit("txn.recovery.ask", Map.of("txn", id, "state", t.rec.state().name(), "after", afterCrash ? "crash" : "start"));
            armReady(id, t, timeouts.retry());
        }
        for (String id : resources.prepared()) {
            Txn t = txns.get(id);
            if (t == null || t.rec.state() == TxnState.ABORT) resources.abort(id);
            else if (t.rec.state() == TxnState.COMMIT) resources.commit(id);
        }
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof ResourceManager.Completion c) {
            c.then().run();
        } else if (body instanceof DecisionTopic.Published d) {
            env.reply(request, learn(d));
        } else if (body instanceof Inspect i) {
            Txn t = txns.get(i.txn());
            env.reply(request, new View(i.txn(), t == null ? TxnState.INIT : t.rec.state(), t != null && t.recovered, resources.locks()));
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof VoteRequest v) onVoteRequest(from, v);
        else if (m instanceof PreCommit p) onPreCommit(from, p);
        else if (m instanceof Decision d) {
            String coordinator = d.coordinator().isEmpty() ? from.value() : d.coordinator(); // who is asked about its end
            Txn t = txns.computeIfAbsent(d.txn(), id -> new Txn(new TxnRecord(TxnState.INIT, CommitProtocol.TWO_PHASE, coordinator, List.of())));
            decide(d.txn(), t, d.commit(), "from " + from.value());
            ackLater(from, d.txn());
        } else if (m instanceof CommitMessages.ViewRequest v) {
            Txn t = txns.get(v.txn());
            env.send(from, Inspections.reply(v, t == null ? null : t.rec.encode(), resources.locks()));
        } else if (m instanceof StateRequest r) {
            env.send(from, new StateReply(r.txn(), stateFor(r.txn(), r.coordinator(), from)));
        } else if (m instanceof StateReply r) onStateReply(from, r);
        else if (m instanceof CommitMessages.EndedReply r) reportedEnded(r.txns());
        else if (m instanceof PreCommitAck a) {
            Txn t = txns.get(a.txn());
            if (t != null && t.phase == Phase.PRECOMMITTING && t.awaitingAcks.remove(from.value()) && t.awaitingAcks.isEmpty()) {
                terminate(a.txn(), t, true);
            }
        }
    }

    /**
     * A decision read from the {@link DecisionTopic}: ends the transaction if this participant has it undecided.
     * Answers whether it did; one it never heard of, or has decided already, is left as it is.
     */
    private boolean learn(DecisionTopic.Published d) {
        Txn t = txns.get(d.txn());
        if (t == null || t.rec.state().decided()) return false;
        decide(d.txn(), t, d.commit(), "from the decisions topic (" + d.coordinator() + ")");
        return true;
    }

    private void onVoteRequest(NodeId from, VoteRequest v) {
        reportedEnded(v.ended());
        Txn known = txns.get(v.txn());
        if (known != null) { // a repeated request: the same answer
            // A READY read back from the log may predate its vote (READY is logged before the locks are taken, and a
            // crash may have come before they were): only a vote of this incarnation is repeated as vote-commit.
            boolean unsure = known.recovered && known.rec.state() == TxnState.READY;
            boolean yes = known.rec.state() != TxnState.ABORT && !unsure;
            env.send(from, new Vote(v.txn(), yes, yes ? null : unsure ? "restarted before its vote was sure to have left" : "aborted already",
                    yes ? resources.reads(v.txn()) : List.of(), acks(from)));
            return;
        }
        env.crashPoint(BEFORE_PREPARE);
        if (!preparing.add(v.txn())) return; // its locks are being taken: the vote goes out when they are
        TxnRecord rec = new TxnRecord(TxnState.READY, CommitProtocol.parse(v.protocol()), v.coordinator(), v.participants());
        // READY goes to the log now, lazily, so the fsync that the locks cost anyway takes it to disk and the vote
        // waits for no fsync of its own (forceLazy below). Logged and never voted is safe: READY only ever asks.
        env.storage().putLazily(LOG + v.txn(), rec.encode());
        resources.prepare(v.txn(), v.ops(), refusal -> {
            preparing.remove(v.txn());
            if (txns.containsKey(v.txn())) { // aborted meanwhile (a decision, or a state request that found no record): undo
                if (refusal == null) resources.abort(v.txn()); // a refusal has released its locks already
                env.emit("txn.prepare.undone", Map.of("txn", v.txn(), "state", txns.get(v.txn()).rec.state().name()));
                return;
            }
            Txn t = new Txn(refusal == null ? rec : rec.with(TxnState.ABORT));
            txns.put(v.txn(), t);
            if (refusal == null) env.crashPoint(BEFORE_VOTE_SENT);
            if (refusal == null) env.storage().forceLazy(); // READY, and the resources' records: on disk before the vote
            else log(v.txn(), t);
            if (refusal == null) env.crashPoint(AFTER_VOTE_LOGGED);
            env.emit("txn.vote", Map.of("txn", v.txn(), "vote", refusal == null ? "vote-commit" : "vote-abort",
                    "reason", refusal == null ? "" : refusal));
            env.send(from, new Vote(v.txn(), refusal == null, refusal, refusal == null ? resources.reads(v.txn()) : List.of(), acks(from)));
            if (refusal == null) armReady(v.txn(), t, timeouts.ready());
        });
    }

    private void onPreCommit(NodeId from, PreCommit p) {
        Txn t = txns.get(p.txn());
        if (t == null || t.rec.state() == TxnState.ABORT) return;
        if (t.rec.state() == TxnState.READY) {
            t.rec = t.rec.with(TxnState.PRECOMMIT);
            log(p.txn(), t);
            env.emit("txn.precommit", Map.of("txn", p.txn(), "from", from.value()));
            armReady(p.txn(), t, timeouts.ready());
        }
        env.send(from, new PreCommitAck(p.txn()));
    }

    /**
     * A state request's answer; one that finds no record never voted, so it aborts here and now (INIT → ABORT),
     * recording the coordinator the asker named: the one to ask, later, whether the transaction ended.
     */
    private TxnState stateFor(String txn, String coordinator, NodeId asker) {
        Txn t = txns.get(txn);
        if (t != null) return t.rec.state();
        t = new Txn(new TxnRecord(TxnState.INIT, CommitProtocol.TWO_PHASE, coordinator, List.of()));
        txns.put(txn, t);
        decide(txn, t, false, "asked by " + asker.value() + " before any vote-request came");
        return TxnState.ABORT;
    }

    private void onStateReply(NodeId from, StateReply r) {
        Txn t = txns.get(r.txn());
        if (t == null || t.rec.state().decided()) return;
        if (r.state().decided()) {
            decide(r.txn(), t, r.state() == TxnState.COMMIT, "learned from " + from.value());
            return;
        }
        t.states.put(from.value(), r.state());
        if (t.rec.protocol() == CommitProtocol.TWO_PHASE) reportIfBlocked(r.txn(), t);
    }

    /** Every other participant answered, undecided (none at all when this one is the only participant). */
    private void reportIfBlocked(String id, Txn t) {
        if (t.blockedReported || !everyoneUndecided(t)) return;
        t.blockedReported = true;
        env.emit("txn.blocked", Map.of("txn", id, "states", new TreeSet<>(t.states.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())));
    }

    private boolean everyoneUndecided(Txn t) {
        for (String p : t.rec.participants()) if (!p.equals(env.self().value()) && !t.states.containsKey(p)) return false;
        return true;
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof ResourceManager.Completion c) { // a resource manager may also come back through a timer
            c.then().run();
            return;
        }
        if (timer == Forgetting.DUE) {
            forgetDue();
            return;
        }
        if (timer == Forgetting.ASK) {
            askAboutEnds();
            return;
        }
        if (timer == AckRide.DUE) {
            sendAcks();
            return;
        }
        if (!(timer instanceof Timer tm)) return;
        Txn t = txns.get(tm.txn());
        if (t == null || t.rec.state().decided() || tm.round() != t.round) return;
        switch (tm.tick()) {
            case READY -> {
                if (t.rec.protocol() == CommitProtocol.TWO_PHASE) ask(tm.txn(), t);
                else collect(tm.txn(), t);
            }
            case WINDOW -> elect(tm.txn(), t);
            case ACKS -> terminate(tm.txn(), t, true); // an acknowledgement that did not come: a crashed participant
        }
    }

    /** 2PC's cooperative termination: ask everyone, again and again. */
    private void ask(String id, Txn t) {
        // A sole participant has nobody to hear from: a round in which the coordinator stayed silent blocks it too.
        if (t.asked) reportIfBlocked(id, t);
        if (!t.asked) env.emit("txn.termination", Map.of("txn", id, "protocol", t.rec.protocol().label(), "role", "ask"));
        t.asked = true;
        t.states.clear();
        StateRequest q = new StateRequest(id, t.rec.coordinator());
        if (!t.rec.coordinator().isEmpty()) env.send(NodeId.of(t.rec.coordinator()), q);
        for (String p : t.rec.participants()) if (!p.equals(env.self().value())) env.send(NodeId.of(p), q);
        armReady(id, t, timeouts.window());
    }

    /** 3PC termination, step 1: collect the states of the participants that answer within the window. */
    private void collect(String id, Txn t) {
        t.states.clear();
        t.phase = Phase.COLLECTING;
        StateRequest q = new StateRequest(id, t.rec.coordinator());
        for (String p : t.rec.participants()) if (!p.equals(env.self().value())) env.send(NodeId.of(p), q);
        env.after(timeouts.window(), new Timer(id, Tick.WINDOW, t.round));
    }

    /** Step 2: the lowest id among those alive is the new coordinator; it decides, the others wait for it. */
    private void elect(String id, Txn t) {
        TreeSet<String> alive = new TreeSet<>(t.states.keySet());
        alive.add(env.self().value());
        if (t.recovered && !alive.containsAll(t.rec.participants())) {
            // Back from a crash: it may have missed what the others decided while it was down. Only when every
            // participant answers undecided (a total failure: everyone crashed) does it know that nobody decided.
            t.phase = Phase.WAITING;
            armReady(id, t, timeouts.window());
            return;
        }
        if (!alive.first().equals(env.self().value())) {
            t.phase = Phase.WAITING;
            armReady(id, t, timeouts.ready());
            return;
        }
        Map<String, TxnState> all = new HashMap<>(t.states);
        all.put(env.self().value(), t.rec.state());
        env.emit("txn.termination", Map.of("txn", id, "protocol", "3pc", "role", "new-coordinator", "states", new java.util.TreeMap<>(all)));
        if (all.containsValue(TxnState.INIT)) {
            terminate(id, t, false);
        } else if (all.containsValue(TxnState.PRECOMMIT)) {
            t.phase = Phase.PRECOMMITTING;
            if (t.rec.state() == TxnState.READY) {
                t.rec = t.rec.with(TxnState.PRECOMMIT);
                log(id, t);
            }
            t.awaitingAcks.clear();
            all.forEach((p, s) -> {
                if (s == TxnState.READY && !p.equals(env.self().value())) t.awaitingAcks.add(p);
            });
            if (t.awaitingAcks.isEmpty()) {
                terminate(id, t, true);
                return;
            }
            for (String p : t.awaitingAcks) env.send(NodeId.of(p), new PreCommit(id));
            env.after(timeouts.window(), new Timer(id, Tick.ACKS, t.round));
        } else {
            terminate(id, t, false); // all READY: the old coordinator cannot have committed
        }
    }

    /**
     * The new coordinator's decision, told to every participant and to the old coordinator, and published like the
     * old coordinator's: a participant that is down now may find nobody to ask when it is back.
     */
    private void terminate(String id, Txn t, boolean commit) {
        if (t.rec.state().decided()) return; // learned meanwhile (a late acknowledgement): not this one's to tell
        decide(id, t, commit, "3PC termination by " + env.self().value());
        topic.publish(new DecisionTopic.Published(id, commit, env.self().value(), t.rec.participants()));
        Decision d = new Decision(id, commit, t.rec.coordinator());
        for (String p : t.rec.participants()) if (!p.equals(env.self().value())) env.send(NodeId.of(p), d);
        if (!t.rec.coordinator().isEmpty()) env.send(NodeId.of(t.rec.coordinator()), d);
    }

    private void decide(String id, Txn t, boolean commit, String how) {
        if (t.rec.state().decided()) return;
        t.rec = t.rec.with(commit ? TxnState.COMMIT : TxnState.ABORT);
        t.decidedAt = env.nanoTime();
        armAsk();
        t.round++;
        log(id, t);
        env.crashPoint(AFTER_DECISION_LOGGED);
        if (commit) resources.commit(id);
        else if (!preparing.contains(id)) resources.abort(id); // else its prepare, when done, ends what it locked
        env.emit("txn.decided", Map.of("txn", id, "state", t.rec.state().name(), "how", how));
    }

    private void reportedEnded(List<String> ended) {
        if (forgetAfter == null || ended.isEmpty()) return;
        long due = env.nanoTime() + forgetAfter.toNanos();
        for (String id : ended) if (reported.add(id)) forgetting.addLast(new Forget(id, due));
        if (!forgetArmed && !forgetting.isEmpty()) {
            forgetArmed = true;
            env.after(forgetAfter, Forgetting.DUE);
        }
    }

    private void forgetDue() {
        forgetArmed = false;
        long now = env.nanoTime();
        while (!forgetting.isEmpty() && forgetting.peekFirst().dueNanos() - now <= 0) {
            String id = forgetting.pollFirst().txn();
            reported.remove(id);
            forget(id);
        }
        if (!forgetting.isEmpty()) {
            forgetArmed = true;
            env.after(java.time.Duration.ofNanos(forgetting.peekFirst().dueNanos() - now), Forgetting.DUE);
        }
    }

    /**
     * Only a decided one, whose locks are not being taken. One whose end the resources have not applied yet (a
     * release still unconfirmed) waits another grace period: forgotten, a start would abort it there, committed.
     */
    private void forget(String id) {
        Txn t = txns.get(id);
        if (t == null || !t.rec.state().decided() || preparing.contains(id)) return;
        if (resources.holds(id)) {
            reported.add(id);
            forgetting.addLast(new Forget(id, env.nanoTime() + forgetAfter.toNanos()));
            return;
        }
        txns.remove(id);
        env.storage().remove(LOG + id);
    }

    private void ackLater(NodeId to, String txn) {
        unacked.computeIfAbsent(to, k -> new ArrayList<>()).add(txn);
        if (ackArmed) return;
        ackArmed = true;
        env.after(ACK_RIDE, AckRide.DUE);
    }

    /** The acknowledgements waiting for {@code to}, taken along by a vote. */
    private List<String> acks(NodeId to) {
        List<String> a = unacked.remove(to);
        return a == null ? List.of() : a;
    }

    private void sendAcks() {
        ackArmed = false;
        for (Map.Entry<NodeId, List<String>> e : unacked.entrySet()) {
            List<String> ids = e.getValue();
            for (int i = 0; i < ids.size(); i += ACKED_PER_MESSAGE) {
                List<String> part = ids.subList(i, Math.min(ids.size(), i + ACKED_PER_MESSAGE));
                env.send(e.getKey(), new DecisionAck(part.get(0), part.subList(1, part.size())));
            }
        }
        unacked.clear();
    }

    /** The next round of questions about ends, a grace period from now (when forgetting at all, and not armed yet). */
    private void armAsk() {
        if (forgetAfter == null || askArmed) return;
        askArmed = true;
        env.after(forgetAfter, Forgetting.ASK);
    }

    /**
     * Asks each coordinator about the decided transactions held here a grace period or longer with no report of
     * their end (a few hundred per coordinator per round; the rest in the next). Armed again while any decided one
     * is held unreported, so a coordinator that was down is asked again once it is back.
     */
    private void askAboutEnds() {
        askArmed = false;
        long now = env.nanoTime();
        Map<String, List<String>> byCoordinator = new java.util.TreeMap<>();
        boolean unreported = false;
        for (Map.Entry<String, Txn> e : txns.entrySet()) {
            Txn t = e.getValue();
            String c = t.rec.coordinator();
            if (!t.rec.state().decided() || reported.contains(e.getKey()) || c.isEmpty() || c.equals(env.self().value())) continue;
            unreported = true;
            List<String> ids = byCoordinator.computeIfAbsent(c, k -> new java.util.ArrayList<>());
            if (now - t.decidedAt >= forgetAfter.toNanos() && ids.size() < ASKED_PER_QUERY * QUERIES_PER_ROUND) ids.add(e.getKey());
        }
        byCoordinator.forEach((c, ids) -> {
            if (ids.isEmpty()) return;
            env.emit("txn.ended.asked", Map.of("coordinator", c, "count", ids.size()));
            for (int i = 0; i < ids.size(); i += ASKED_PER_QUERY) {
                env.send(NodeId.of(c), new CommitMessages.EndedQuery(ids.subList(i, Math.min(ids.size(), i + ASKED_PER_QUERY))));
            }
        });
        if (unreported) armAsk();
    }

    private void armReady(String id, Txn t, java.time.Duration after) {
        t.round++;
        env.after(after, new Timer(id, Tick.READY, t.round));
    }

    private void log(String id, Txn t) {
        env.storage().put(LOG + id, t.rec.encode());
    }

    /** The logged state of {@code txn} (null: no record), for tests and views. */
    public TxnState state(String txn) {
        Txn t = txns.get(txn);
        return t == null ? null : t.rec.state();
    }

    public ResourceManager resources() {
        return resources;
    }
}
