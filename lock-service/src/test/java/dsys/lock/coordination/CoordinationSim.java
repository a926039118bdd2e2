package dsys.lock.coordination;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;

import java.time.Duration;

/** A simulated coordination group lock-1..n. */
final class CoordinationSim {

    final Simulation sim;
    final int n;

    CoordinationSim(long seed, int n, CoordinationSettings settings) {
        this.sim = new Simulation(seed);
        this.n = n;
        for (int i = 1; i <= n; i++) sim.add(node(i), env -> new CoordinationCore(env, settings));
        sim.runFor(Duration.ofMillis(1));
    }

    static NodeId node(int i) {
        return NodeId.of("lock-" + i);
    }

    CoordinationCore core(int i) {
        return (CoordinationCore) sim.core(node(i));
    }

    /** Sends the request and runs until it is answered (or fails the test after 20 s of virtual time). */
    Object call(int i, Object request) {
        SimRequest r = sim.request(node(i), request);
        if (!sim.runUntil(r::done, Duration.ofSeconds(20))) throw new AssertionError("no answer to " + request + ": " + r);
        return r.result();
    }
}
