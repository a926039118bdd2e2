package dsys.core.rpc;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.core.rpc.RpcMessages.Accepted;
import dsys.core.rpc.RpcMessages.EpochAck;
import dsys.core.rpc.RpcMessages.Kill;
import dsys.core.rpc.RpcMessages.KillAck;
import dsys.core.rpc.RpcMessages.Killed;
import dsys.core.rpc.RpcMessages.Locate;
import dsys.core.rpc.RpcMessages.Located;
import dsys.core.rpc.RpcMessages.NewEpoch;
import dsys.core.rpc.RpcMessages.Renew;
import dsys.core.rpc.RpcMessages.Reply;
import dsys.core.rpc.RpcMessages.Request;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The client stub. A {@link RpcRequests.Call} becomes a request message, retransmitted every {@link RpcConfig#retry()}
 * until a reply comes; after {@link RpcConfig#attempts()} transmissions in a row with no answer at all the server
 * is reported not found. Call ids are {@code <client>/<epoch>.<n>}: the epoch is a durable counter raised at every
 * boot, so an id is never reused after a crash. After a crash the client does what its {@link OrphanRemedy} says
 * about the computations it left behind.
 */
public final class RpcClient implements Core {

    /**
     * Crash points: the call is in the extermination log but not sent; the request has left; the server said it runs
     * the call (a computation with work). On a live node a crash point also loses what its step sent (output commit:
     * nothing of a step leaves before it ends), so there {@code after-call-sent} crashes before the request leaves,
     * and {@code after-call-accepted} is the one that leaves an orphan behind.
     */
    public static final String AFTER_CALL_LOGGED = "after-call-logged", AFTER_CALL_SENT = "after-call-sent",
            AFTER_CALL_ACCEPTED = "after-call-accepted";

    static final String EPOCH = "rpc.c.epoch", LOG = "rpc.c.log.";

    private record Retry(String call, int transmission) {
    }

    private record RenewTick(String call) {
    }

    private enum Chore { KILLS, EPOCH, RESUME }

    /** A call in progress; {@code ids} are its transmissions' request ids (one under at-most-once). */
    private static final class Call {
        final String id;
        final long seq;
        final RequestId request;
        final NodeId server;
        final RpcRequests.Call body;
        final List<String> ids = new ArrayList<>();
        int transmissions;
        int silent;

        Call(String id, long seq, RequestId request, NodeId server, RpcRequests.Call body) {
            this.id = id;
            this.seq = seq;
            this.request = request;
            this.server = server;
            this.body = body;
        }
    }

    private record Held(RequestId request, RpcRequests.Call body) {
    }

    private final Env env;
    private final RpcConfig config;
    private final List<NodeId> servers;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, Call> byRequestId = new HashMap<>(); // looked up only
    /** Extermination: logged calls whose kill is not acknowledged yet, and their servers. */
    private final Map<String, NodeId> killing = new TreeMap<>();
    /** Reincarnation: servers that have not acknowledged the new epoch. */
    private final TreeSet<NodeId> unannounced = new TreeSet<>();
    /** Expiration: calls that came while the rebooted client waits for its orphans to expire. */
    private final List<Held> held = new ArrayList<>();
    private boolean waiting;
    private boolean killsScheduled;
    /** Rounds of kills and of epoch announcements sent since each set was last empty (their back-off). */
    private int killRounds, announceRounds;
    private static final long MAX_BACKOFF = 16;
    private long epoch;
    private long seq;

    /**
     * The client stub a live platform runs for {@code remedy}, calling {@code servers}: core group
     * {@link OrphanRemedy#group()}, its keys under that name in the node's store, beside the other remedies' stubs.
     */
    public static RpcClient live(Env env, OrphanRemedy remedy, List<NodeId> servers) {
        return new RpcClient(new dsys.core.env.ScopedEnv(env, remedy.group() + "/"), RpcConfig.live(remedy), servers);
    }

    /** {@code servers}: the binding table, the servers this client can locate (and announces its epochs to). */
    public RpcClient(Env env, RpcConfig config, List<NodeId> servers) {
        this.env = env;
        this.config = config;
        this.servers = List.copyOf(new TreeSet<>(servers));
    }

    /** A first boot, or a process that starts again on its disk: a reboot, as after a crash. */
    @Override
    public void onStart() {
        boot();
    }

    @Override
    public void onRecover() {
        boot();
    }

    /**
     * A new epoch on disk; if there was one before, this is a reboot, and the orphans the last incarnation may have
     * left are dealt with as the remedy says.
     */
    private void boot() {
        long last = env.storage().get(EPOCH).map(Long::parseLong).orElse(0L);
        epoch = last + 1;
        env.storage().put(EPOCH, Long.toString(epoch));
        if (last == 0) return; // never ran before: nothing can have been left behind
        env.emit("rpc.client.rebooted", Map.of("epoch", epoch, "remedy", config.remedy().name()));
        switch (config.remedy()) {
            case EXTERMINATION -> {
                for (Map.Entry<String, String> e : env.storage().scan(LOG).entrySet()) {
                    killing.put(e.getKey().substring(LOG.length()), NodeId.of(e.getValue()));
                }
                env.emit("rpc.extermination.started", Map.of("logged", List.copyOf(killing.keySet())));
                sendKills();
            }
            case REINCARNATION, GENTLE_REINCARNATION -> {
                unannounced.addAll(servers);
                env.emit("rpc.epoch.broadcast", Map.of("epoch", epoch, "servers", servers.stream().map(NodeId::value).toList()));
                announce();
            }
            case EXPIRATION -> {
                waiting = true;
                env.emit("rpc.expiration.waiting", Map.of("ms", config.rebootWait().toMillis()));
                env.after(config.rebootWait(), Chore.RESUME);
            }
            case NONE -> {
            }
        }
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (!(body instanceof RpcRequests.Call c)) {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
            return;
        }
        if (c.account() == null || c.account().isBlank() || c.work() < 0) {
            env.reply(request, Rejection.badRequest("a call needs an account and a work of 0 steps or more"));
            return;
        }
        NodeId server = c.server() == null || c.server().isBlank() ? null : NodeId.of(c.server());
        if (server == null || !servers.contains(server)) { // the notes' first failure: the client cannot locate the server
            env.reply(request, new Rejection(404, "server-not-found", "Server not found",
                    "no server '" + c.server() + "' is bound; this client knows " + servers));
            return;
        }
        if (waiting) {
            held.add(new Held(request, c));
            env.emit("rpc.call.held", Map.of("account", c.account(), "reason", "waiting for orphans to expire"));
            return;
        }
        start(request, server, c);
    }

    private void start(RequestId request, NodeId server, RpcRequests.Call body) {
        seq++;
        Call call = new Call(env.self().value() + "/" + epoch + "." + seq, seq, request, server, body);
        calls.put(call.id, call);
        transmit(call);
        if (config.remedy() == OrphanRemedy.EXPIRATION) env.after(renewEvery(), new RenewTick(call.id));
    }

    private void transmit(Call call) {
        call.transmissions++;
        String rid = config.semantics() == CallSemantics.AT_MOST_ONCE ? call.id : call.id + "#" + call.transmissions;
        if (!call.ids.contains(rid)) {
            call.ids.add(rid);
            byRequestId.put(rid, call);
            if (config.remedy() == OrphanRemedy.EXTERMINATION) {
                env.storage().put(LOG + rid, call.server.value()); // on disk before the request can leave
                env.crashPoint(AFTER_CALL_LOGGED);
            }
        }
        RpcRequests.Call b = call.body;
        env.send(call.server, new Request(rid, epoch, b.account(), b.amount(), b.work(), floor()));
        env.emit("rpc.call.sent", Map.of("call", call.id, "id", rid, "server", call.server.value(),
                "transmission", call.transmissions, "semantics", config.semantics().name()));
        env.crashPoint(AFTER_CALL_SENT);
        env.after(config.retry(), new Retry(call.id, call.transmissions));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof Reply r) {
            Call call = byRequestId.get(r.id());
            if (call == null) return; // a duplicate, or the reply to a call already answered
            finish(call);
            env.emit("rpc.call.returned", Map.of("call", call.id, "id", r.id(), "balance", r.balance(),
                    "transmissions", call.transmissions));
            env.reply(call.request, new RpcRequests.Returned(call.id, r.balance(), call.transmissions));
        } else if (m instanceof Accepted a) {
            Call call = byRequestId.get(a.id());
            if (call == null) return;
            call.silent = 0; // the server is there and working on it
            env.crashPoint(AFTER_CALL_ACCEPTED);
        } else if (m instanceof Killed k) {
            Call call = byRequestId.get(k.id());
            if (call == null) return;
            finish(call);
            env.emit("rpc.call.failed", Map.of("call", call.id, "reason", k.reason()));
            env.reply(call.request, new Rejection(409, "computation-killed", "Computation killed",
                    call.server + " killed call " + call.id + " without its effect: " + k.reason()));
        } else if (m instanceof KillAck a) {
            if (killing.remove(a.id()) == null) return;
            env.storage().remove(LOG + a.id());
            env.emit("rpc.orphan.exterminated", Map.of("id", a.id(), "server", from.value(), "outcome", a.outcome()));
        } else if (m instanceof EpochAck a) {
            if (a.epoch() == epoch) unannounced.remove(from);
        } else if (m instanceof Locate l) {
            // Gentle reincarnation asks whether anyone still waits for these computations: only live calls are claimed.
            List<String> wanted = l.ids().stream().filter(byRequestId::containsKey).toList();
            env.emit("rpc.owner.answered", Map.of("server", from.value(), "asked", l.ids().size(), "wanted", wanted));
            env.send(from, new Located(l.gather(), wanted));
        }
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Retry r) {
            Call call = calls.get(r.call());
            if (call == null || call.transmissions != r.transmission()) return;
            if (++call.silent < config.attempts()) {
                transmit(call);
                return;
            }
            if (config.remedy() == OrphanRemedy.EXTERMINATION) { // whatever still runs for it is an orphan now
                for (String id : call.ids) killing.put(id, call.server);
            }
            finish(call);
            env.emit("rpc.call.failed", Map.of("call", call.id, "reason", "server not found"));
            env.reply(call.request, new Rejection(503, "server-not-found", "Server not found",
                    "no answer from " + call.server + " to " + call.transmissions + " transmissions of call " + call.id
                            + (config.semantics() == CallSemantics.AT_MOST_ONCE ? ": it ran at most once"
                            : ": it may have run any number of times")));
            sendKills();
        } else if (timer instanceof RenewTick t) {
            Call call = calls.get(t.call());
            if (call == null) return;
            for (String id : call.ids) env.send(call.server, new Renew(id));
            env.after(renewEvery(), t);
        } else if (timer == Chore.KILLS) {
            killsScheduled = false;
            sendKills();
        } else if (timer == Chore.EPOCH) {
            announce();
        } else if (timer == Chore.RESUME) {
            waiting = false;
            env.emit("rpc.expiration.resumed", Map.of("held", held.size()));
            List<Held> now = List.copyOf(held);
            held.clear();
            for (Held h : now) start(h.request, NodeId.of(h.body.server()), h.body);
        }
    }

    /** A finished call leaves the tables; under extermination its log entries go too (nothing of it can be orphaned). */
    private void finish(Call call) {
        calls.remove(call.id);
        for (String id : call.ids) {
            byRequestId.remove(id);
            if (config.remedy() == OrphanRemedy.EXTERMINATION && !killing.containsKey(id)) env.storage().remove(LOG + id);
        }
    }

    /** The number of this epoch's oldest call in progress (calls are kept in start order), or the next one. */
    private long floor() {
        for (Call c : calls.values()) return c.seq;
        return seq + 1;
    }

    /** Extermination: a kill for every logged call, again with a growing wait until each server acknowledged. */
    private void sendKills() {
        if (killing.isEmpty()) {
            killRounds = 0;
            return;
        }
        for (Map.Entry<String, NodeId> e : killing.entrySet()) env.send(e.getValue(), new Kill(e.getKey()));
        if (!killsScheduled) {
            killsScheduled = true;
            env.after(backOff(killRounds++), Chore.KILLS);
        }
    }

    /**
     * The wait before the next round of kills or epoch announcements: the retry interval, doubled after every round
     * up to {@value #MAX_BACKOFF} times it, so a server that stays away (down, or not linked with this client) costs
     * a message every few seconds rather than five a second, for as long as it is away.
     */
    private java.time.Duration backOff(int round) {
        return config.retry().multipliedBy(Math.min(1L << Math.min(round, 30), MAX_BACKOFF));
    }

    /** Reincarnation: the new epoch to every server, again with a growing wait until each acknowledged it. */
    private void announce() {
        if (unannounced.isEmpty()) {
            announceRounds = 0;
            return;
        }
        for (NodeId s : unannounced) env.send(s, new NewEpoch(epoch));
        env.after(backOff(announceRounds++), Chore.EPOCH);
    }

    /** Renewals go out three times a quantum, so one lost renewal does not end a computation somebody waits for. */
    private java.time.Duration renewEvery() {
        return config.quantum().dividedBy(3);
    }

    /** This incarnation's epoch. */
    public long epoch() {
        return epoch;
    }
}
