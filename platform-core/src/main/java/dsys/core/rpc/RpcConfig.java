package dsys.core.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * The RPC system's settings, the same at clients and servers (the semantics and the orphan remedy are properties of
 * the pair). A client retransmits a call every {@code retry}; after {@code attempts} transmissions with no answer at
 * all it reports the server as not found. A server advances a long computation one step every {@code tick}.
 * Expiration gives each computation a quantum of {@code quantum}. {@code maxDelay} bounds a message's one-way delay:
 * expiration's reboot wait rests on it (a renewal sent just before the crash may still arrive that much later).
 * Gentle reincarnation waits {@code locate} for an owner to claim its computation (once more after a silence).
 */
public record RpcConfig(CallSemantics semantics, OrphanRemedy remedy, Duration retry, int attempts, Duration tick,
                        Duration quantum, Duration maxDelay, Duration locate) {

    public RpcConfig {
        Objects.requireNonNull(semantics, "semantics");
        Objects.requireNonNull(remedy, "remedy");
        for (Duration d : new Duration[]{retry, tick, quantum, maxDelay, locate}) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive");
        }
        if (attempts < 1) throw new IllegalArgumentException("attempts must be ≥ 1, was " + attempts);
    }

    /** Live defaults: a LAN's delays, computations in steps of 50 ms, a quantum of a second. */
    public static RpcConfig of(CallSemantics semantics, OrphanRemedy remedy) {
        return new RpcConfig(semantics, remedy, Duration.ofMillis(200), 5, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofMillis(300));
    }

    /**
     * What a live platform runs for {@code remedy}, at its clients and its servers alike: at-most-once calls (so an
     * orphan's effect is not confused with a retry's) and the live defaults of {@link #of}.
     */
    public static RpcConfig live(OrphanRemedy remedy) {
        return of(CallSemantics.AT_MOST_ONCE, remedy);
    }

    public RpcConfig withRetry(Duration retry, int attempts) {
        return new RpcConfig(semantics, remedy, retry, attempts, tick, quantum, maxDelay, locate);
    }

    public RpcConfig withTiming(Duration tick, Duration quantum, Duration maxDelay, Duration locate) {
        return new RpcConfig(semantics, remedy, retry, attempts, tick, quantum, maxDelay, locate);
    }

    /**
     * How long a rebooted client waits under expiration: T after the last renewal reached the server, which may be
     * {@code maxDelay} after the crash, with 1 % for clocks that run at slightly different rates.
     */
    public Duration rebootWait() {
        return quantum.plus(maxDelay).multipliedBy(101).dividedBy(100);
    }
}
