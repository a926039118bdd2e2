package dsys.lock.sim;

import dsys.core.event.Event;
import dsys.core.event.EventSink;
import dsys.core.sim.Simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lock-safety invariant, from the nodes' events in true (virtual) time. A client holds a lock from its grant
 * until it released it or its lease ran out, the lease as the granting node measured it on its monotonic clock.
 * The simulator runs every node's nanoTime at the rate of true time, so the lease assumption the service is built
 * on (clock rates differ by at most ρ) holds with ρ = 0 and the check is exact: a new grant while the previous
 * holder's lease still runs is a violation — a node forgetting a hold (a crash, an epoch that dropped it) does not
 * end the client's lease. Tokens must grow with every grant of a lock.
 */
public final class SafetyRecorder implements EventSink {

    public record Hold(String owner, long token, String node, long start, long end, boolean released) {
    }

    private final Simulation sim;
    private final Map<String, Hold> current = new HashMap<>();
    private final Map<String, Long> maxToken = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Long> grantTimes = new ArrayList<>();
    private long grants;

    SafetyRecorder(Simulation sim) {
        this.sim = sim;
    }

    @Override
    public void accept(Event e) {
        Map<String, Object> f = e.fields();
        long t = sim.now();
        switch (e.kind()) {
            case "lock.grant" -> {
                String name = (String) f.get("name");
                long token = ((Number) f.get("token")).longValue();
                Hold prev = current.get(name);
                if (prev != null && !prev.released() && prev.end() > t) {
                    violations.add("two holders of '" + name + "' at t=" + t / 1e6 + "ms: " + prev + " still holds, "
                            + e.node() + " grants " + f.get("owner") + " token " + token);
                }
                long max = maxToken.getOrDefault(name, Long.MIN_VALUE);
                if (token <= max) {
                    violations.add("fencing token of '" + name + "' did not grow: " + token + " after " + max
                            + " (at " + e.node() + ", t=" + t / 1e6 + "ms)");
                }
                maxToken.put(name, Math.max(max, token));
                long remaining = ((Number) f.get("remainingNanos")).longValue();
                current.put(name, new Hold((String) f.get("owner"), token, e.node(), t, t + remaining, false));
                grants++;
                grantTimes.add(t);
            }
            case "lock.renew" -> current.computeIfPresent((String) f.get("name"), (k, h) ->
                    h.token() == ((Number) f.get("token")).longValue()
                            ? new Hold(h.owner(), h.token(), h.node(), h.start(),
                            t + ((Number) f.get("remainingNanos")).longValue(), h.released()) : h);
            case "lock.release" -> current.computeIfPresent((String) f.get("name"), (k, h) ->
                    h.token() == ((Number) f.get("token")).longValue()
                            ? new Hold(h.owner(), h.token(), h.node(), h.start(), t, true) : h);
            default -> { }
        }
    }

    public void check() {
        if (!violations.isEmpty()) throw new AssertionError(violations.get(0));
    }

    public long grants() {
        return grants;
    }

    public List<Long> grantTimes() {
        return grantTimes;
    }
}
