package dsys.launcher.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The faults the demos inject, each through the gateway's {@code /api/chaos} fan-out and recorded in {@link Faults}
 * with its undo: a crash (the node answers 503 and loses its volatile state; undone by a restart, and the gateway
 * seeing the node UP again) and a partition (undone by {@code DELETE /api/chaos}, which heals every partition).
 */
final class Chaos {

    private static final Duration UP_AGAIN = Duration.ofSeconds(30);

    private Chaos() {
    }

    static Faults.Fault crash(Demo.Stage s, String node) {
        Faults.Fault f = s.faults().make("crash of " + node,
                () -> s.api().admin("POST", "/api/chaos/nodes/" + node + "/crash", null), () -> restart(s.api(), node));
        Api.Answer a = f.answer();
        boolean applied = a.ok() && a.json().path("nodes").path(node).path("body").path("applied").asBoolean();
        s.say().call("POST /api/chaos/nodes/" + node + "/crash", a, applied
                ? a.json().path("nodes").path(node).path("body").path("detail").asText() : "not applied: " + a.text());
        if (!applied) throw new IllegalStateException(node + " was not crashed");
        return f;
    }

    /** Waits until the gateway's health checks no longer route to the node (it answers 503 while crashed). */
    static boolean awaitDown(Demo.Stage s, String node) throws InterruptedException {
        return s.api().awaitHealth(node, false, Duration.ofSeconds(10));
    }

    private static void restart(Api api, String node) {
        Api.Answer a = api.admin("POST", "/api/chaos/nodes/" + node + "/restart", null);
        if (!a.ok()) throw new IllegalStateException("restart of " + node + " answered " + a.brief());
        awaitUp(api, node);
    }

    private static void awaitUp(Api api, String node) {
        try {
            if (!api.awaitHealth(node, true, UP_AGAIN)) {
                throw new IllegalStateException(node + " is not UP " + UP_AGAIN.toSeconds() + " s after its restart");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Arms a named protocol step on {@code node} (e.g. 2PC {@code before-decision}): the node crashes when it gets
     * there. Undone by {@code DELETE /api/chaos} (which also disarms a point not reached and restarts a crashed node)
     * and the gateway seeing the node UP again.
     */
    static Faults.Fault crashPoint(Demo.Stage s, String node, String point) {
        Faults.Fault f = s.faults().make(node + " crashing at " + point,
                () -> s.api().admin("POST", "/api/chaos/crash-points", Map.of("node", node, "point", point)),
                () -> {
                    Api.Answer a = s.api().admin("DELETE", "/api/chaos", null);
                    if (!a.ok()) throw new IllegalStateException("DELETE /api/chaos answered " + a.brief());
                    awaitUp(s.api(), node);
                });
        Api.Answer a = f.answer();
        boolean applied = a.ok() && a.json().path("nodes").path(node).path("body").path("applied").asBoolean();
        s.say().call("POST /api/chaos/crash-points {" + node + ", " + point + "}", a, applied
                ? a.json().path("nodes").path(node).path("body").path("detail").asText() : "not applied: " + a.text());
        if (!applied) throw new IllegalStateException(node + "'s crash point was not armed");
        return f;
    }

    /**
     * Delays every message {@code from} sends to {@code to} by {@code delayMs} (the sender applies it; nothing is
     * lost). Undone by {@code DELETE /api/chaos}, which clears link faults with the partitions.
     */
    static Faults.Fault link(Demo.Stage s, String from, String to, long delayMs) {
        Faults.Fault f = s.faults().make("delay " + from + " → " + to,
                () -> s.api().admin("POST", "/api/chaos/links", Map.of("from", from, "to", to, "delayMs", delayMs)),
                () -> {
                    Api.Answer a = s.api().admin("DELETE", "/api/chaos", null);
                    if (!a.ok()) throw new IllegalStateException("DELETE /api/chaos answered " + a.brief());
                });
        Api.Answer a = f.answer();
        boolean applied = a.ok() && a.json().path("nodes").path(from).path("body").path("applied").asBoolean();
        s.say().call("POST /api/chaos/links {" + from + " → " + to + ", delayMs " + delayMs + "}", a,
                applied ? "applied by " + from + ", the sender" : "not applied: " + a.text());
        if (!applied) throw new IllegalStateException("the link fault was not made");
        return f;
    }

    static Faults.Fault partition(Demo.Stage s, List<List<String>> groups) {
        Faults.Fault f = s.faults().make("partition " + groups,
                () -> s.api().admin("POST", "/api/chaos/partitions", Map.of("groups", groups)),
                () -> {
                    Api.Answer a = s.api().admin("DELETE", "/api/chaos", null);
                    if (!a.ok()) throw new IllegalStateException("DELETE /api/chaos answered " + a.brief());
                });
        s.say().call("POST /api/chaos/partitions " + groups, f.answer(), f.answer().ok() ? "every node applies its side" : f.answer().detail());
        if (!f.answer().ok()) throw new IllegalStateException("the partition was not made");
        return f;
    }
}
