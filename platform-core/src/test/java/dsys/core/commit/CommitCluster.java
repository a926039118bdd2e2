package dsys.core.commit;

import dsys.core.env.Env;
import dsys.core.node.NodeId;
import dsys.core.sim.Simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A coordinator (txn-1) and three participants (kv-1..3) in the simulator, with six bank accounts of 100 spread
 * over the participants, and transfers between them as transactions.
 */
final class CommitCluster {

    static final NodeId COORDINATOR = NodeId.of("txn-1");
    static final List<NodeId> PARTICIPANTS = List.of(NodeId.of("kv-1"), NodeId.of("kv-2"), NodeId.of("kv-3"));
    static final int ACCOUNTS = 6;
    static final long OPENING = 100;
    static final CommitTimeouts TIMEOUTS = new CommitTimeouts(Duration.ofMillis(300), Duration.ofMillis(300),
            Duration.ofMillis(2000), Duration.ofMillis(300), Duration.ofMillis(100));

    /**
     * How a cluster differs from the default: participants whose prepares finish up to {@code maxPrepareDelay} later
     * ({@link DelayedResources}; zero: at once), the coordinator's cache of ended transactions, and what its Env is
     * wrapped in (e.g. to watch its storage), and how many ended unkeyed transactions its log keeps.
     */
    record Settings(Duration maxPrepareDelay, int endedInMemory, UnaryOperator<Env> coordinatorEnv, long retainedEnded,
                    Duration forgetAfter) {
        static final Settings DEFAULT = new Settings(Duration.ZERO, CommitCoordinator.ENDED_IN_MEMORY, UnaryOperator.identity(),
                Long.MAX_VALUE, null);

        Settings prepareDelay(Duration d) {
            return new Settings(d, endedInMemory, coordinatorEnv, retainedEnded, forgetAfter);
        }

        Settings endedInMemory(int n) {
            return new Settings(maxPrepareDelay, n, coordinatorEnv, retainedEnded, forgetAfter);
        }

        Settings coordinatorEnv(UnaryOperator<Env> wrap) {
            return new Settings(maxPrepareDelay, endedInMemory, wrap, retainedEnded, forgetAfter);
        }

        Settings retainedEnded(long n) {
            return new Settings(maxPrepareDelay, endedInMemory, coordinatorEnv, n, forgetAfter);
        }

        /** Participants forget what the coordinator reports ended, this long after (null: never). */
        Settings forgetAfter(Duration d) {
            return new Settings(maxPrepareDelay, endedInMemory, coordinatorEnv, retainedEnded, d);
        }
    }

    final Simulation sim;
    /** The decisions topic: what the coordinator and terminating participants published, kept across every crash (a broker's log). */
    final List<DecisionTopic.Published> topic = new ArrayList<>();

    CommitCluster(long seed) {
        this(seed, Settings.DEFAULT);
    }

    CommitCluster(long seed, Settings settings) {
        sim = new Simulation(seed);
        sim.add(COORDINATOR, env -> new CommitCoordinator(settings.coordinatorEnv().apply(env), TIMEOUTS, topic::add, settings.endedInMemory(),
                settings.retainedEnded()));
        for (NodeId p : PARTICIPANTS) {
            sim.add(p, env -> new CommitParticipant(env, settings.maxPrepareDelay().isZero() ? new KeyValueResources(env.storage())
                    : new DelayedResources(env, settings.maxPrepareDelay()), TIMEOUTS, topic::add, settings.forgetAfter()));
        }
        for (int a = 0; a < ACCOUNTS; a++) {
            if (!resources(home(a)).write(account(a), Long.toString(OPENING))) throw new IllegalStateException("locked at start");
        }
    }

    static String account(int a) {
        return "acct-" + a;
    }

    static NodeId home(int a) {
        return PARTICIPANTS.get(a % PARTICIPANTS.size());
    }

    /** A transfer as a transaction's operations: the debit at the payer's participant, the credit at the payee's. */
    static Map<String, List<TxnOp>> transfer(int from, int to, long amount) {
        Map<String, List<TxnOp>> ops = new HashMap<>();
        ops.computeIfAbsent(home(from).value(), k -> new ArrayList<>()).add(TxnOp.add(account(from), -amount));
        ops.computeIfAbsent(home(to).value(), k -> new ArrayList<>()).add(TxnOp.add(account(to), amount));
        return ops;
    }

    /** What the participant's disk holds (read from storage, not from the running core). */
    KeyValueResources resources(NodeId p) {
        return new KeyValueResources(sim.storage(p));
    }

    long balance(int a) {
        KeyValueResources.Stored s = resources(home(a)).read(account(a));
        return s.value() == null ? 0 : Long.parseLong(s.value());
    }

    CommitCoordinator coordinator() {
        return (CommitCoordinator) sim.core(COORDINATOR);
    }

    CommitParticipant participant(NodeId p) {
        return (CommitParticipant) sim.core(p);
    }

    /** The state a participant logged for {@code txn}, read from its disk (null: no record). */
    TxnState logged(NodeId p, String txn) {
        return sim.storage(p).get("commit.p." + txn).map(s -> TxnRecord.decode(s).state()).orElse(null);
    }

    TxnState coordinatorLogged(String txn) {
        return sim.storage(COORDINATOR).get("commit.c." + txn).map(s -> TxnRecord.decode(s).state()).orElse(null);
    }

    /** Everyone up, nothing open at the coordinator, no participant undecided or holding a lock. */
    boolean settled() {
        for (NodeId n : sim.nodes()) if (!sim.isUp(n)) return false;
        if (coordinator().openTransactions() > 0) return false;
        for (NodeId p : PARTICIPANTS) {
            if (!participant(p).resources().locks().isEmpty()) return false;
            for (String v : sim.storage(p).scan("commit.p.").values()) if (!TxnRecord.decode(v).state().decided()) return false;
        }
        return true;
    }

    void restartWhatIsDown() {
        restartWhatIsDown(new java.util.Random(0));
    }

    /** Each node that is down comes back either recovering (a chaos crash) or as a new process (kill -9), at random. */
    void restartWhatIsDown(java.util.Random rnd) {
        for (NodeId n : sim.nodes()) {
            if (sim.isUp(n)) continue;
            if (rnd.nextBoolean()) sim.restartProcess(n);
            else sim.restart(n);
        }
    }
}
