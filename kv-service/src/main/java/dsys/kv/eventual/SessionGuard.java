package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.kv.quorum.Ballot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Session guarantees at a replica (Terry et al.: the server checks the session's read and write sets before it
 * serves). A request whose guarantees need a version of the key this replica does not hold yet waits, up to
 * {@code waitMs}, while rumors and anti-entropy bring it; it is served as soon as an incoming message brings what
 * it needs, and otherwise answered 503 session-guarantee-unavailable naming the guarantee and the version missing.
 * Holding a later version than the one needed is enough: last writer wins, so it supersedes the needed one, and a
 * write served here gets a stamp above what the replica holds (monotonic writes, writes follow reads).
 */
final class SessionGuard {

    record Expire(long id) {
    }

    private record Waiting(RequestId request, SessionRequest body, long sinceNanos, TimerId timer) {
    }

    private final Env env;
    private final Function<String, Ballot> held;
    private final BiConsumer<RequestId, Object> serve;
    private final long waitMs;
    private final Map<Long, Waiting> waiting = new LinkedHashMap<>();
    private long seq;

    /** {@code held}: the version of a key this replica holds (ZERO: none); {@code serve}: answers an inner request. */
    SessionGuard(Env env, Function<String, Ballot> held, BiConsumer<RequestId, Object> serve, long waitMs) {
        this.env = env;
        this.held = held;
        this.serve = serve;
        this.waitMs = waitMs;
    }

    /** The first of the request's guarantees that a replica holding {@code version} of its key cannot honour, or null. */
    static Guarantee missing(SessionRequest r, Ballot version) {
        for (Guarantee g : Guarantee.values()) {
            if (r.guarantees().contains(g) && version.isBefore(g.needed(r))) return g;
        }
        return null;
    }

    void start(RequestId request, SessionRequest body) {
        if (missing(body, held.apply(Session.key(body.request()))) == null) {
            serve.accept(request, body.request());
            return;
        }
        long id = ++seq;
        waiting.put(id, new Waiting(request, body, env.nanoTime(), env.after(Duration.ofMillis(waitMs), new Expire(id))));
    }

    /** After the replica applied messages: serves every waiting request it can now honour. */
    void recheck() {
        if (waiting.isEmpty()) return;
        for (Map.Entry<Long, Waiting> e : new ArrayList<>(waiting.entrySet())) {
            Waiting w = e.getValue();
            if (missing(w.body(), held.apply(Session.key(w.body().request()))) != null) continue;
            waiting.remove(e.getKey());
            env.cancel(w.timer());
            env.emit("kv.session.waited", Map.of("key", Session.key(w.body().request()),
                    "ms", (env.nanoTime() - w.sinceNanos()) / 1_000_000));
            serve.accept(w.request(), w.body().request());
        }
    }

    void onTimer(Expire t) {
        Waiting w = waiting.remove(t.id());
        if (w == null) return;
        String key = Session.key(w.body().request());
        Ballot has = held.apply(key);
        Guarantee g = missing(w.body(), has);
        if (g == null) { // cannot happen after recheck, but a served request is better than a refusal
            serve.accept(w.request(), w.body().request());
            return;
        }
        env.emit("kv.session.unavailable", Map.of("key", key, "guarantee", g.label));
        env.reply(w.request(), unavailable(env.self().value(), key, g, w.body(), has,
                "not applied here within " + waitMs + " ms"));
    }

    static Rejection unavailable(String node, String key, Guarantee g, SessionRequest r, Ballot has, String why) {
        return new Rejection(503, "session-guarantee-unavailable", "Session guarantee unavailable",
                g.label + ": the session needs version " + g.needed(r) + " of '" + key + "' or a later one (what it "
                        + (g.needsWritten ? "wrote" : "read") + "), " + node + " holds "
                        + (has.zero() ? "none" : has.toString()) + "; " + why + ". Retry, or at another replica");
    }
}
