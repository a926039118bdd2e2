package dsys.core.env;

import dsys.core.clock.LogicalClocks;
import dsys.core.clock.PhysicalClock;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Everything an algorithm core may touch. The simulator and the Spring host each implement it; a core never
 * reads the wall clock, opens a socket, blocks or starts a thread. Calls come on the core's single thread.
 */
public interface Env {

    NodeId self();

    /** The configured members of this node's group (including self), live or not. */
    Membership members();

    /** Fire and forget; the transport may lose, delay, duplicate or reorder it. Stamps logical clocks. */
    void send(NodeId to, Message m);

    /** Completes a client request: a result object, or a {@link Rejection}. Later replies to the same id are ignored. */
    void reply(RequestId request, Object result);

    /** {@code timer} comes back through {@link Core#onTimer} after {@code delay} (host time), unless cancelled. */
    TimerId after(Duration delay, Object timer);

    void cancel(TimerId timer);

    /** Monotonic host time in nanoseconds, for timeouts and leases (virtual in the simulator). */
    long nanoTime();

    /** This node's (possibly skewed and drifting) hardware clock. */
    PhysicalClock clock();

    /** This node's Lamport and vector clocks; the host advances them on send, receive and emit. */
    LogicalClocks logical();

    Durable storage();

    /** Records an algorithm step (a local event: ticks the logical clocks). */
    void emit(String kind, Map<String, Object> fields);

    RandomGenerator random();

    /**
     * A named protocol step (e.g. "after-prepare-sent"). When a fault has armed this point for this node, the host
     * crashes the node right here: the call does not return normally and volatile state is lost.
     */
    default void crashPoint(String name) {
    }
}
