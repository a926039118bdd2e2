package dsys.core.sim;

import dsys.core.clock.DriftingClock;
import dsys.core.clock.LogicalClocks;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One simulated node. What a real machine keeps across a crash lives here (clock, logical clocks, disk, random
 * stream, message counter); the core object, its timers and its pending requests do not survive a crash.
 */
public final class SimNode {

    final NodeId id;
    final Function<Env, Core> factory;
    final DriftingClock clock;
    /** Env.nanoTime(): never adjusted, same oscillator (drift) as {@link #clock}; timers run on it. */
    final DriftingClock monotonic;
    final LogicalClocks logical;
    final MemoryDurable disk = new MemoryDurable();
    final SplittableRandom random;

    Core core;
    NodeEnv env;
    boolean up;
    /** Incremented by every crash: messages in flight and envs from before a crash carry the old value. */
    long epoch;
    long pausedUntil;
    long sentCounter;
    /** Live timers by id (looked up, never iterated). */
    final Map<Long, Object> timers = new HashMap<>();
    /** Requests the core has seen and not answered, in arrival order (a crash fails them in that order). */
    final LinkedHashMap<String, SimRequest> pending = new LinkedHashMap<>();
    final Set<String> armedCrashPoints = new HashSet<>();

    SimNode(NodeId id, Function<Env, Core> factory, DriftingClock clock, DriftingClock monotonic,
            SplittableRandom random) {
        this.id = id;
        this.factory = factory;
        this.clock = clock;
        this.monotonic = monotonic;
        this.logical = new LogicalClocks(id.value());
        this.random = random;
    }

    public NodeId id() {
        return id;
    }

    /** The Env of the current incarnation; an Env from before a crash ignores every call (the process is dead). */
    public Env env() {
        return env;
    }

    /** The current core, or null while the node is down. */
    public Core core() {
        return core;
    }

    public boolean isUp() {
        return up;
    }

    public MemoryDurable storage() {
        return disk;
    }

    public DriftingClock clock() {
        return clock;
    }

    /** The clock behind this node's {@code Env.nanoTime()}. */
    public DriftingClock monotonic() {
        return monotonic;
    }

    /** How much true time passes while this node's monotonic clock advances {@code localNanos} (a timer's delay). */
    long trueNanos(long localNanos) {
        return localNanos == 0 ? 0 : (long) Math.ceil(localNanos / (1 + monotonic.driftPpm() / 1e6));
    }

    public LogicalClocks logical() {
        return logical;
    }

    @Override
    public String toString() {
        return id + (up ? "" : " (down)");
    }
}
