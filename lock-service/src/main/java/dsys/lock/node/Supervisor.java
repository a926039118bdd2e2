package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.node.NodeId;
import dsys.lock.election.Election;
import dsys.lock.election.Leadership;
import dsys.lock.node.LockReplies.AlgorithmSet;
import dsys.lock.quorum.Connectivity;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.quorum.EpochManager;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides when this node asks for a new epoch: an admin switch, a coordinator that is gone (through the election,
 * with a fallback if no election answers), a changed set of live members (Ricart–Agrawala, token ring), a lost
 * token, or a promise that never turned into an epoch. Only the lowest live node proposes membership changes,
 * to keep proposers from duelling.
 */
final class Supervisor {

    record SwitchDeadline(long seq) {
    }

    private static final String CENTRALIZED = "centralized";
    private static final String TOKEN_RING = "token-ring";
    private final LockNodeCore node;
    private final Env env;
    private final LockConfig config;
    private final EpochManager epochs;
    private final Connectivity connectivity;
    private RequestId pendingSwitch;
    private String switchAlgorithm;
    private TimerId switchTimer;
    private long switchSeq;
    private long changeSince = -1;
    private long ownerMissingSince = -1;
    private long lastElection = Long.MIN_VALUE / 2;
    private long lastTakeover = Long.MIN_VALUE / 2;
    private long nextLimboAttempt = Long.MIN_VALUE / 2;

    Supervisor(LockNodeCore node, Env env, LockConfig config, EpochManager epochs, Connectivity connectivity) {
        this.node = node;
        this.env = env;
        this.config = config;
        this.epochs = epochs;
        this.connectivity = connectivity;
    }

    void tick() {
        long now = env.nanoTime();
        if (epochs.proposing()) return;
        if (pendingSwitch != null && !epochs.current().algorithm().equals(switchAlgorithm)) {
            propose(switchAlgorithm, "switch");
            return;
        }
        if (epochs.inLimbo()) {
            // a promise whose epoch never came: nobody else may notice (we still heartbeat), so we propose,
            // after a random extra wait so that nodes stuck together do not retry in lockstep
            if (epochs.limboNanos(now) > ms(config.limboMs()) && now >= nextLimboAttempt) {
                nextLimboAttempt = now + ms(config.limboMs()) + (long) (env.random().nextDouble() * ms(config.limboMs()));
                propose(epochs.current().algorithm(), "limbo");
            }
            return;
        }
        EpochInfo e = epochs.current();
        if (TOKEN_RING.equals(e.algorithm()) && node.recovered() && e.member(env.self())
                && connectivity.connected(now)) {
            // back from a crash in this token-ring epoch: the tokens it had died with it, and it drops every token
            // of this epoch that reaches it. After a whole-cluster restart every member is in that state, so no
            // token of the epoch exists or can be born: only a new epoch (a new generation) brings them back.
            // Connected = a majority is in this very epoch (a node behind catches up instead of proposing).
            takeover("back from a crash in token-ring epoch " + e.number() + ": its tokens are gone");
            return;
        }
        if (CENTRALIZED.equals(e.algorithm())) superviseCoordinator(e, now);
        else superviseMembers(e, now);
    }

    private void superviseCoordinator(EpochInfo e, long now) {
        NodeId self = env.self();
        NodeId owner = e.owner();
        boolean gone = owner == null || (!owner.equals(self) && connectivity.suspected(owner, now))
                || (owner.equals(self) && node.recovered());
        if (!gone) {
            ownerMissingSince = -1;
            return;
        }
        if (ownerMissingSince < 0) ownerMissingSince = now;
        Optional<Election> el = node.election();
        if (el.isPresent()) {
            if (el.get().leader().filter(self::equals).isPresent()) {
                propose(CENTRALIZED, "elected");
                return;
            }
            if (now - lastElection > ms(config.suspectMs())) {
                lastElection = now;
                if (owner != null && el.get().leader().filter(owner::equals).isPresent()) el.get().suspectLeader();
                else el.get().start();
            }
        }
        // the election is someone else's component: if it never names a leader, the lowest live node steps in
        long patience = ms(el.isPresent() ? 4 * config.suspectMs() + config.proposeTimeoutMs() : config.suspectMs());
        if (now - ownerMissingSince > patience && designated(now)) propose(CENTRALIZED, "no coordinator");
    }

    void elected(Leadership l) {
        EpochInfo e = epochs.current();
        boolean centralized = CENTRALIZED.equals(e.algorithm());
        boolean needed = !env.self().equals(e.owner()) || node.recovered() || epochs.inLimbo();
        env.emit("lock.elected", Map.of("leader", l.leader().value(), "electionEpoch", l.epoch()));
        if (l.leader().equals(env.self()) && centralized && needed && !epochs.proposing()) {
            propose(CENTRALIZED, "elected");
        }
    }

    private void superviseMembers(EpochInfo e, long now) {
        if (!config.membershipChanges()) return;
        Set<NodeId> alive = alive(now);
        if (alive.equals(new HashSet<>(e.members())) || alive.size() * 2 <= env.members().size()
                || !designated(now)) {
            changeSince = -1;
            return;
        }
        if (changeSince < 0) {
            changeSince = now;
        } else if (now - changeSince >= ms(config.stableMs())) {
            changeSince = -1;
            propose(e.algorithm(), "membership " + alive);
        }
    }

    void takeover(String reason) {
        long now = env.nanoTime();
        if (epochs.proposing() || epochs.inLimbo() || now - lastTakeover < ms(config.proposeTimeoutMs())) return;
        lastTakeover = now;
        propose(epochs.current().algorithm(), reason);
    }

    void switchTo(RequestId request, String algorithm) {
        EpochInfo e = epochs.current();
        if (pendingSwitch != null) {
            env.reply(request, Rejection.conflict("switch-in-progress", "a switch to " + switchAlgorithm
                    + " is in progress on " + env.self()));
            return;
        }
        if (e.algorithm().equals(algorithm) && !epochs.inLimbo() && (e.owner() != null || !CENTRALIZED.equals(algorithm))) {
            env.reply(request, setReply(e));
            return;
        }
        pendingSwitch = request;
        switchAlgorithm = algorithm;
        switchTimer = env.after(Duration.ofMillis(3 * config.proposeTimeoutMs() + config.collectMs()),
                new SwitchDeadline(++switchSeq));
        if (!epochs.proposing()) propose(algorithm, "switch");
    }

    void adopted(EpochInfo e) {
        ownerMissingSince = -1;
        changeSince = -1;
        if (pendingSwitch != null && e.algorithm().equals(switchAlgorithm)) {
            env.cancel(switchTimer);
            env.reply(pendingSwitch, setReply(e));
            pendingSwitch = null;
        }
    }

    boolean handlesTimer(Object t) {
        return t instanceof SwitchDeadline;
    }

    void onTimer(Object t) {
        if (t instanceof SwitchDeadline d && d.seq() == switchSeq && pendingSwitch != null) {
            env.reply(pendingSwitch, Rejection.unavailable("could not switch to " + switchAlgorithm
                    + ": no majority promised a new epoch (" + describe() + ")"));
            pendingSwitch = null;
        }
    }

    /** One line for "why was {@code name} not granted" answers. */
    String describe(String name) {
        long withheld = epochs.withheldMs(name, env.nanoTime());
        return describe() + (withheld > 0 ? ", '" + name + "' may still be held through a node outside this epoch ("
                + withheld + " ms left)" : "");
    }

    /** One line for "why was I not granted" answers. */
    String describe() {
        long now = env.nanoTime();
        EpochInfo e = epochs.current();
        StringBuilder b = new StringBuilder("algorithm ").append(e.algorithm()).append(", epoch ").append(e.number());
        if (CENTRALIZED.equals(e.algorithm())) {
            b.append(", coordinator ").append(e.owner() == null ? "none yet" : e.owner().value());
            if (e.owner() != null && connectivity.suspected(e.owner(), now)) b.append(" (suspected down)");
        } else {
            b.append(", members ").append(e.members());
        }
        if (epochs.inLimbo()) b.append(", epoch change in progress");
        if (epochs.inGrace(now)) b.append(", grace period ").append(epochs.graceRemainingMs(now)).append(" ms left");
        if (!connectivity.connected(now)) b.append(", this node cannot reach a majority");
        return b.toString();
    }

    private AlgorithmSet setReply(EpochInfo e) {
        return new AlgorithmSet(e.algorithm(), e.number(), e.owner() == null ? null : e.owner().value(),
                e.members().stream().map(NodeId::value).toList());
    }

    private void propose(String algorithm, String reason) {
        NodeId owner = CENTRALIZED.equals(algorithm) ? env.self() : null;
        epochs.propose(algorithm, owner).ifPresent(n -> env.emit("lock.takeover",
                Map.of("epoch", n, "algorithm", algorithm, "reason", reason)));
    }

    private Set<NodeId> alive(long now) {
        Set<NodeId> alive = new HashSet<>();
        for (NodeId n : env.members().nodes()) if (!connectivity.suspected(n, now)) alive.add(n);
        return alive;
    }

    /** The lowest node this one believes alive. */
    private boolean designated(long now) {
        return alive(now).stream().min(NodeId::compareTo).filter(env.self()::equals).isPresent();
    }

    private static long ms(long ms) {
        return ms * 1_000_000L;
    }
}
