package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.fenced.FencedResource;
import dsys.lock.lease.HoldInfo;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.LockReplies.LockView;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.LockReplies.Waiting;
import dsys.lock.node.NodeMessages.FencedReadCall;
import dsys.lock.node.NodeMessages.FencedReply;
import dsys.lock.node.NodeMessages.FencedWriteCall;
import dsys.lock.node.NodeMessages.ForwardRelease;
import dsys.lock.node.NodeMessages.ForwardRenew;
import dsys.lock.node.NodeMessages.ForwardReply;
import dsys.lock.node.NodeMessages.LockQuery;
import dsys.lock.node.NodeMessages.LockReport;
import dsys.lock.node.NodeMessages.StatsQuery;
import dsys.lock.node.NodeMessages.StatsReport;
import dsys.lock.stats.Counters;
import dsys.lock.stats.StatsView;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests that need other nodes but no algorithm: renew/release routed to the holder's node, a lock's state
 * gathered from every node, cluster-wide statistics, and the fenced resource (hosted on the lowest member).
 * Each waits for its answers with a timeout and then answers with what it has (or 503 when nothing came).
 */
final class Gathers {

    record GatherTimeout(String qid) {
    }

    private static final class Pending {
        final RequestId request;
        final String kind;
        final String name;
        final int expected;
        final List<Message> replies = new ArrayList<>();

        Pending(RequestId request, String kind, String name, int expected) {
            this.request = request;
            this.kind = kind;
            this.name = name;
            this.expected = expected;
        }
    }

    private final LockNodeCore node;
    private final Env env;
    private final FencedResource fenced;
    private final Map<String, Pending> pending = new HashMap<>();
    private long seq;

    Gathers(LockNodeCore node, Env env, FencedResource fenced) {
        this.node = node;
        this.env = env;
        this.fenced = fenced;
    }

    private String open(RequestId request, String kind, String name, int expected, long timeoutMs) {
        String qid = env.self().value() + ":" + (++seq);
        pending.put(qid, new Pending(request, kind, name, expected));
        env.after(Duration.ofMillis(timeoutMs), new GatherTimeout(qid));
        return qid;
    }

    private long timeoutMs() {
        return Math.max(3 * node.config().retryMs(), 2 * node.config().heartbeatMs());
    }

    // ---- renew / release at the holder's node -----------------------------------------------------------------

    void forward(RequestId request, NodeId target, String name, String owner, long token, boolean renew) {
        String qid = open(request, renew ? "renew" : "release", target.value(), 1, 2 * timeoutMs());
        node.transmit(target, renew ? new ForwardRenew(qid, name, owner, token) : new ForwardRelease(qid, name, owner, token));
    }

    // ---- inspection ---------------------------------------------------------------------------------------------

    void inspect(RequestId request, String name) {
        Rejection bad = Validation.name("lock name", name);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        List<NodeId> others = env.members().others(env.self());
        String qid = open(request, "inspect", name, others.size(), timeoutMs());
        pending.get(qid).replies.add(localReport(qid, name));
        for (NodeId n : others) node.transmit(n, new LockQuery(qid, name));
        maybeFinish(qid);
    }

    private LockReport localReport(String qid, String name) {
        List<HoldInfo> holds = node.holds().get(name).map(h -> List.of(HoldInfo.of(h, env.nanoTime()))).orElse(List.of());
        List<Waiting> waiting = node.waiters().of(name).stream().map(w -> new Waiting(w.owner(), env.self().value())).toList();
        List<String> queue = node.algorithm().flatMap(a -> a.queue(name)).orElse(null);
        return new LockReport(qid, holds, waiting, queue);
    }

    private LockView view(Pending p) {
        HoldInfo holder = null;
        List<Waiting> waiting = new ArrayList<>();
        List<String> coordinatorQueue = null;
        for (Message m : p.replies) {
            LockReport r = (LockReport) m;
            for (HoldInfo h : r.holds()) if (holder == null || h.token() > holder.token()) holder = h;
            waiting.addAll(r.waiting());
            if (r.coordinatorQueue() != null) coordinatorQueue = r.coordinatorQueue();
        }
        if (coordinatorQueue != null) {
            // the coordinator's FIFO is the real order; keep its order, name each entry's node when we know it
            List<Waiting> ordered = new ArrayList<>();
            for (String key : coordinatorQueue) ordered.add(new Waiting(key.substring(key.indexOf('|') + 1),
                    key.substring(0, key.indexOf('#'))));
            waiting = ordered;
        }
        var e = node.epoch();
        String holderNode = holder == null ? null : node.nodeByIndex(holder.node()).map(NodeId::value).orElse(null);
        return new LockView(p.name, holder == null ? null : holder.owner(), holder == null ? null : holder.token(),
                holder == null ? null : node.clockMs(holder.remainingMs() * 1_000_000L), holderNode, waiting,
                e.algorithm(), e.number());
    }

    // ---- statistics ---------------------------------------------------------------------------------------------

    void stats(RequestId request) {
        List<NodeId> others = env.members().others(env.self());
        String qid = open(request, "stats", null, others.size(), timeoutMs());
        pending.get(qid).replies.add(new StatsReport(qid, node.stats().snapshot(), node.stats().backgroundMessages()));
        for (NodeId n : others) node.transmit(n, new StatsQuery(qid));
        maybeFinish(qid);
    }

    private StatsView statsView(Pending p) {
        Map<String, Counters> sum = new TreeMap<>();
        long background = 0;
        for (Message m : p.replies) {
            StatsReport r = (StatsReport) m;
            r.counters().forEach((k, v) -> sum.merge(k, v, Counters::plus));
            background += r.background();
        }
        return StatsView.of(sum, env.members().size(), p.replies.size(), background, node.algorithmName());
    }

    // ---- fenced resource ----------------------------------------------------------------------------------------

    private NodeId fencedHost() {
        return env.members().nodes().get(0);
    }

    void fencedWrite(RequestId request, LockRequests.FencedWrite f) {
        Rejection bad = Validation.name("lock name", f.name());
        if (bad == null && f.value() == null) bad = Rejection.badRequest("value is required");
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        if (fencedHost().equals(env.self())) {
            env.reply(request, write(f.name(), f.fencingToken(), f.value()));
        } else {
            String qid = open(request, "fenced", f.name(), 1, 2 * timeoutMs());
            node.transmit(fencedHost(), new FencedWriteCall(qid, f.name(), f.fencingToken(), f.value()));
        }
    }

    void fencedRead(RequestId request, String name) {
        if (fencedHost().equals(env.self())) {
            env.reply(request, read(name));
        } else {
            String qid = open(request, "fenced", name, 1, 2 * timeoutMs());
            node.transmit(fencedHost(), new FencedReadCall(qid, name));
        }
    }

    private Object write(String name, long token, String value) {
        Rejection r = fenced.write(name, token, value);
        env.emit("lock.fenced-write", Map.of("name", name, "token", token, "accepted", r == null));
        if (r != null) return r;
        return new FencedResult(name, true, token, token, value);
    }

    private FencedResult read(String name) {
        var e = fenced.read(name);
        return new FencedResult(name, e.isPresent(), 0, e.map(FencedResource.Entry::highestToken).orElse(0L),
                e.map(FencedResource.Entry::value).orElse(null));
    }

    // ---- messages -----------------------------------------------------------------------------------------------

    boolean handles(Message m) {
        return m instanceof ForwardRenew || m instanceof ForwardRelease || m instanceof ForwardReply
                || m instanceof LockQuery || m instanceof LockReport || m instanceof StatsQuery
                || m instanceof StatsReport || m instanceof FencedWriteCall || m instanceof FencedReadCall
                || m instanceof FencedReply;
    }

    void onMessage(NodeId from, Message m) {
        if (m instanceof ForwardRenew f) {
            // the renewal completes later (the algorithm may ask the coordinator): answer through a relay request
            node.localRenew(new RequestId("fwd:" + from.value() + ":" + f.qid()), f.name(), f.owner(), f.token());
        } else if (m instanceof ForwardRelease f) {
            Object r = node.localRelease(f.name(), f.owner(), f.token());
            node.transmit(from, new ForwardReply(f.qid(), r instanceof Rejection x ? x : null, null,
                    r instanceof Released x ? x : null));
        } else if (m instanceof LockQuery q) {
            node.transmit(from, localReport(q.qid(), q.name()));
        } else if (m instanceof StatsQuery q) {
            node.transmit(from, new StatsReport(q.qid(), node.stats().snapshot(), node.stats().backgroundMessages()));
        } else if (m instanceof FencedWriteCall w) {
            Object r = write(w.name(), w.token(), w.value());
            node.transmit(from, new FencedReply(w.qid(), r instanceof Rejection x ? x : null,
                    r instanceof FencedResult x ? x : null));
        } else if (m instanceof FencedReadCall c) {
            node.transmit(from, new FencedReply(c.qid(), null, read(c.name())));
        } else {
            String qid = m instanceof ForwardReply f ? f.qid() : m instanceof LockReport r ? r.qid()
                    : m instanceof StatsReport s ? s.qid() : ((FencedReply) m).qid();
            Pending p = pending.get(qid);
            if (p == null) return;
            p.replies.add(m);
            maybeFinish(qid);
        }
    }

    /** Relayed renewals (see ForwardRenew) answer here instead of to a client. */
    boolean relayReply(RequestId request, Object result) {
        String v = request.value();
        if (!v.startsWith("fwd:")) return false;
        String[] p = v.split(":", 3);
        node.transmit(NodeId.of(p[1]), new ForwardReply(p[2], result instanceof Rejection r ? r : null,
                result instanceof Renewed r ? r : null, null));
        return true;
    }

    private void maybeFinish(String qid) {
        Pending p = pending.get(qid);
        int have = p.kind.equals("inspect") || p.kind.equals("stats") ? p.replies.size() - 1 : p.replies.size();
        if (have >= p.expected) finish(qid, false);
    }

    boolean handlesTimer(Object t) {
        return t instanceof GatherTimeout;
    }

    void onTimer(Object t) {
        if (t instanceof GatherTimeout g && pending.containsKey(g.qid())) finish(g.qid(), true);
    }

    private void finish(String qid, boolean timedOut) {
        Pending p = pending.remove(qid);
        switch (p.kind) {
            case "inspect" -> env.reply(p.request, view(p));
            case "stats" -> env.reply(p.request, statsView(p));
            default -> {
                if (p.replies.isEmpty()) {
                    env.reply(p.request, Rejection.unavailable(p.kind + ": no answer from " + p.name
                            + (p.kind.equals("fenced") ? " (the fenced resource's host)" : " (the node holding the lock)")
                            + " in time; it may be down or cut off"));
                } else if (p.replies.get(0) instanceof ForwardReply f) {
                    env.reply(p.request, f.rejection() != null ? f.rejection() : f.renewed() != null ? f.renewed() : f.released());
                } else {
                    FencedReply f = (FencedReply) p.replies.get(0);
                    env.reply(p.request, f.rejection() != null ? f.rejection() : f.result());
                }
            }
        }
    }
}
