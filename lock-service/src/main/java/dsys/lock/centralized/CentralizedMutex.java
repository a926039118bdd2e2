package dsys.lock.centralized;

import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.centralized.CentralizedMessages.Cancel;
import dsys.lock.centralized.CentralizedMessages.Grant;
import dsys.lock.centralized.CentralizedMessages.Queued;
import dsys.lock.centralized.CentralizedMessages.Release;
import dsys.lock.centralized.CentralizedMessages.Renew;
import dsys.lock.centralized.CentralizedMessages.RenewReply;
import dsys.lock.centralized.CentralizedMessages.Request;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.node.LockContext;
import dsys.lock.node.EpochScopedMutex;
import dsys.lock.node.Waiter;
import dsys.lock.quorum.EpochInfo;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notes §6.1, the coordinator: a node asks the epoch's coordinator, which grants in FIFO order per lock.
 * Every node plays the acting side (relays its clients' requests, keeps their holds); the epoch's owner also
 * plays the coordinator — unless it came back from a crash during its own epoch, when its counter and queue are
 * gone and the supervisor has it elected again instead. Failure-free cost per remote entry/exit: request, grant,
 * release = 3 messages, 2 of them before entry.
 */
public final class CentralizedMutex extends EpochScopedMutex implements Coordinator.Out {

    public static final String NAME = "centralized";

    record Expiry(long epoch, String name, long token) {
    }

    private static final class Pending {
        final Waiter waiter;
        final long firstSend;
        long lastSend;
        int sends = 1;
        boolean queued;

        Pending(Waiter waiter, long now) {
            this.waiter = waiter;
            this.firstSend = now;
            this.lastSend = now;
        }
    }

    private record PendingRenew(RequestId request, Hold hold, long firstSent, long lastSent) {
    }

    private NodeId owner;
    private Coordinator coordinator;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, PendingRenew> renews = new HashMap<>();
    private long renewSeq;

    public CentralizedMutex(LockContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(EpochInfo e, List<HoldInfo> carried) {
        epoch = e;
        owner = e.owner();
        if (self.equals(owner) && !ctx.recovered()) {
            coordinator = new Coordinator(e.number(), this, ms -> ctx.config().stretchNanos(ms));
            for (HoldInfo h : carried) {
                NodeId at = ctx.nodeByIndex(h.node()).orElse(self);
                coordinator.carry(h.name(), at, h.owner(), h.token(), h.leaseMs(), h.remainingMs());
            }
        }
    }

    @Override
    public void stop() {
        super.stop();
        for (PendingRenew r : renews.values()) {
            ctx.reject(r.request(), Rejection.unavailable("the coordinator changed while renewing; retry"));
        }
        renews.clear();
    }

    private boolean local() {
        return self.equals(owner);
    }

    @Override
    public void onWaiter(Waiter w) {
        if (stopped || owner == null) return;
        String key = w.key(self.value());
        pending.put(key, new Pending(w, now()));
        if (local()) {
            if (coordinator != null) coordinator.request(new Coordinator.Entry(self, key, w.name(), w.owner(), w.leaseMs(), now()));
        } else {
            ctx.send(owner, new Request(epoch.number(), key, w.name(), w.owner(), w.leaseMs()));
        }
    }

    @Override
    public void onWaiterGone(Waiter w) {
        String key = w.key(self.value());
        if (stopped || pending.remove(key) == null) return;
        if (local()) {
            if (coordinator != null) coordinator.cancel(w.name(), key);
        } else {
            ctx.send(owner, new Cancel(epoch.number(), key, w.name()));
        }
    }

    @Override
    public Map<String, Integer> onHoldEnded(Hold h) {
        if (stopped || owner == null) return Map.of();
        if (local()) {
            if (coordinator != null) coordinator.release(h.name(), h.token());
            return Map.of();
        }
        ctx.send(owner, new Release(epoch.number(), h.name(), h.token()));
        return Map.of("Release", 1);
    }

    @Override
    public void renew(RequestId request, Hold h) {
        if (owner == null) {
            ctx.reject(request, Rejection.unavailable("no coordinator at the moment (election running); retry"));
        } else if (local()) {
            Object r = renewAtCoordinator(h.name(), h.token());
            if (r == null) ctx.renewed(request, h, now() + h.leaseMs() * 1_000_000L);
            else ctx.reject(request, (Rejection) r);
        } else {
            String rid = self.value() + "/" + (++renewSeq);
            renews.put(rid, new PendingRenew(request, h, now(), now()));
            ctx.send(owner, new Renew(epoch.number(), rid, h.name(), h.token()));
        }
    }

    /** Null when renewed, else why not. */
    private Object renewAtCoordinator(String name, long token) {
        if (coordinator == null || !ctx.mayAct()) {
            return Rejection.unavailable("the coordinator " + self + " cannot renew now (not connected to a majority)");
        }
        if (!coordinator.renew(name, token)) {
            return Rejection.conflict("stale-token", "the coordinator has another grant of '" + name + "' than " + token);
        }
        return null;
    }

    @Override
    public boolean handles(Message m) {
        return m instanceof Request || m instanceof Grant || m instanceof Release || m instanceof Cancel
                || m instanceof Queued || m instanceof Renew || m instanceof RenewReply;
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (stopped || epochOf(m) != epoch.number()) return;
        if (m instanceof Request r) {
            if (coordinator != null) coordinator.request(new Coordinator.Entry(from, r.key(), r.name(), r.owner(), r.leaseMs(), now()));
        } else if (m instanceof Grant g) {
            onGrant(g);
        } else if (m instanceof Release r) {
            ctx.holdEnded(r.name(), r.token()); // the record this node made with the grant, if any
            if (coordinator != null) coordinator.release(r.name(), r.token());
        } else if (m instanceof Cancel c) {
            if (coordinator != null) coordinator.cancel(c.name(), c.key());
        } else if (m instanceof Queued q) {
            Pending p = pending.get(q.key());
            if (p != null) p.queued = true;
        } else if (m instanceof Renew r) {
            Object why = renewAtCoordinator(r.name(), r.token());
            Rejection rej = (Rejection) why;
            ctx.send(from, new RenewReply(epoch.number(), r.rid(), rej == null ? 200 : rej.status(),
                    rej == null ? null : rej.detail()));
        } else if (m instanceof RenewReply r) {
            PendingRenew p = renews.remove(r.rid());
            if (p == null) return;
            if (r.status() == 200) ctx.renewed(p.request(), p.hold(), p.firstSent() + p.hold().leaseMs() * 1_000_000L);
            else ctx.reject(p.request(), new Rejection(r.status(), r.status() == 409 ? "stale-token" : "unavailable",
                    r.status() == 409 ? "Conflict" : "Service unavailable", r.detail()));
        }
    }

    private void onGrant(Grant g) {
        Pending p = pending.remove(g.key());
        if (p == null) {
            // a duplicate, or the client stopped waiting: give the lock back unless we already hold it
            if (ctx.holds().get(new HoldKey(g.name(), g.token())).isEmpty()) ctx.send(owner, new Release(epoch.number(), g.name(), g.token()));
            return;
        }
        long leaseStart = p.firstSend + (long) (g.queuedNanos() * (1 - 2 * ctx.config().rho()));
        Map<String, Integer> cost = new LinkedHashMap<>();
        cost.put("Request", p.sends);
        cost.put("Grant", 1);
        if (p.queued) cost.put("Queued", 1);
        if (!ctx.grant(p.waiter, g.token(), leaseStart, 2, cost, g.recorded() ? owner : null)) {
            ctx.send(owner, new Release(epoch.number(), g.name(), g.token()));
        }
    }

    private static long epochOf(Message m) {
        if (m instanceof Request r) return r.epoch();
        if (m instanceof Grant g) return g.epoch();
        if (m instanceof Release r) return r.epoch();
        if (m instanceof Cancel c) return c.epoch();
        if (m instanceof Queued q) return q.epoch();
        if (m instanceof Renew r) return r.epoch();
        return ((RenewReply) m).epoch();
    }

    // ---- coordinator output -----------------------------------------------------------------------------------

    @Override
    public boolean mayGrant(String name) {
        return ctx.mayGrant(name);
    }

    @Override
    public void granted(Coordinator.Entry e, long token, long queuedNanos) {
        ctx.emit("lock.coordinator-grant", Map.of("name", e.name(), "to", e.node().value(), "token", token));
        if (e.node().equals(self)) {
            Pending p = pending.remove(e.key());
            if (p == null || !ctx.grant(p.waiter, token, now(), 0, Map.of())) coordinator.release(e.name(), token);
        } else {
            // recorded here first (same step, same fsync): the coordinator is one of the majority that must know it
            boolean recorded = ctx.recordHold(new HoldInfo(e.name(), e.owner(), token, e.leaseMs(), e.leaseMs()),
                    epoch.number());
            ctx.send(e.node(), new Grant(epoch.number(), e.key(), e.name(), token, queuedNanos, recorded));
        }
    }

    @Override
    public void queued(Coordinator.Entry e) {
        if (!e.node().equals(self)) ctx.send(e.node(), new Queued(epoch.number(), e.key()));
    }

    @Override
    public void expireAt(String name, long token, long atNanos) {
        ctx.env().after(Duration.ofNanos(Math.max(0, atNanos - now())), new Expiry(epoch.number(), name, token));
    }

    @Override
    public void expired(Coordinator.Holder h) {
        ctx.emit("lock.coordinator-expire", Map.of("token", h.token(), "owner", h.owner()));
    }

    @Override
    public boolean handlesTimer(Object timer) {
        return timer instanceof Expiry;
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Expiry x && !stopped && coordinator != null && x.epoch() == epoch.number()) {
            coordinator.expire(x.name(), x.token());
        }
    }

    @Override
    public void tick() {
        if (stopped) return;
        if (coordinator != null) coordinator.tryGrantAll();
        long now = now();
        long retry = ctx.config().retryMs() * 1_000_000L;
        if (owner != null && !local()) {
            for (var e : pending.entrySet()) {
                Pending p = e.getValue();
                if (!p.queued && now - p.lastSend >= retry) {
                    p.lastSend = now;
                    p.sends++;
                    Waiter w = p.waiter;
                    ctx.send(owner, new Request(epoch.number(), e.getKey(), w.name(), w.owner(), w.leaseMs()));
                }
            }
        }
        for (var it = renews.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            PendingRenew r = e.getValue();
            if (now - r.firstSent() >= 4 * retry) {
                it.remove();
                ctx.reject(r.request(), Rejection.timeout("the coordinator " + owner + " did not answer the renewal"));
            } else if (now - r.lastSent() >= retry) {
                e.setValue(new PendingRenew(r.request(), r.hold(), r.firstSent(), now));
                ctx.send(owner, new Renew(epoch.number(), e.getKey(), r.hold().name(), r.hold().token()));
            }
        }
    }

    @Override
    public Optional<List<HoldInfo>> coordinatorTable() {
        return coordinator == null || stopped ? Optional.empty() : Optional.of(coordinator.table());
    }

    @Override
    public Optional<List<String>> queue(String lock) {
        return coordinator == null ? Optional.empty() : Optional.of(coordinator.queue(lock));
    }
}
