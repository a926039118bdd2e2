package dsys.lock.ricart;

import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.Fencing;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.node.LockContext;
import dsys.lock.node.EpochScopedMutex;
import dsys.lock.node.Waiter;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.ricart.RicartMessages.Ok;
import dsys.lock.ricart.RicartMessages.Request;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Notes §6.2 among the members of the epoch, one instance of the protocol per lock name. A node enters when every
 * other member OK'd its current request; it defers a request while it holds the lock, or while it wants it with
 * an earlier (stamp, node index). Silence from a crashed member blocks everyone — the notes' point — until the
 * supervisor's membership change (an epoch without that member) lifts it. The fencing token is
 * (epoch, request stamp, node): within an epoch entries happen in stamp order, so tokens grow.
 * Failure-free cost: n-1 requests and n-1 OKs per entry.
 */
public final class RicartAgrawalaMutex extends EpochScopedMutex {

    public static final String NAME = "ricart-agrawala";

    private static final class Want {
        final long stamp;
        final Set<NodeId> oks = new HashSet<>();
        long lastSend;
        int sends;

        Want(long stamp, long now) {
            this.stamp = stamp;
            this.lastSend = now;
        }
    }

    private final StampClock clock;
    private List<NodeId> others = List.of();
    private final Map<String, Want> wants = new HashMap<>();
    private final Map<String, Map<NodeId, Long>> deferred = new HashMap<>();

    public RicartAgrawalaMutex(LockContext ctx) {
        super(ctx);
        this.clock = new StampClock(ctx.env().storage());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(EpochInfo e, List<HoldInfo> carried) {
        epoch = e;
        others = e.members().stream().filter(n -> !n.equals(self)).sorted().toList();
    }

    @Override
    public void onWaiter(Waiter w) {
        if (!active() || wants.containsKey(w.name()) || ctx.holds().get(w.name()).isPresent()) return;
        want(w.name());
    }

    private void want(String name) {
        Want my = new Want(clock.tick(), now());
        wants.put(name, my);
        ctx.emit("lock.ra-request", Map.of("name", name, "stamp", my.stamp, "to", others.size()));
        for (NodeId n : others) ctx.send(n, new Request(epoch.number(), name, my.stamp));
        my.sends = others.size();
        tryEnter(name);
    }

    private void tryEnter(String name) {
        Want my = wants.get(name);
        if (my == null || !my.oks.containsAll(others) || !ctx.mayGrant(name)) return;
        Optional<Waiter> head = ctx.waiters().head(name);
        wants.remove(name);
        if (head.isEmpty()) {
            flush(name);
            return;
        }
        Map<String, Integer> cost = new LinkedHashMap<>();
        if (!others.isEmpty()) {
            cost.put("Request", my.sends);
            cost.put("Ok", others.size());
        }
        long token = Fencing.token(epoch.number(), my.stamp, self.index());
        if (!ctx.grant(head.get(), token, now(), others.isEmpty() ? 0 : 2, cost)) flush(name);
    }

    /** Sends the deferred OKs for {@code name}; returns how many. */
    private int flush(String name) {
        Map<NodeId, Long> d = deferred.remove(name);
        if (d == null) return 0;
        d.forEach((n, stamp) -> ctx.send(n, new Ok(epoch.number(), name, stamp)));
        return d.size();
    }

    @Override
    public void onWaiterGone(Waiter w) {
        if (!active() || ctx.waiters().waiting(w.name()) || !wants.containsKey(w.name())) return;
        wants.remove(w.name());
        flush(w.name());
    }

    @Override
    public Map<String, Integer> onHoldEnded(Hold h) {
        if (!active()) return Map.of();
        int oks = flush(h.name());
        if (ctx.waiters().waiting(h.name()) && !wants.containsKey(h.name())) want(h.name());
        return oks == 0 ? Map.of() : Map.of("Ok", oks);
    }

    @Override
    public void renew(RequestId request, Hold h) {
        if (ctx.mayAct()) ctx.renewed(request, h, now() + h.leaseMs() * 1_000_000L);
        else ctx.reject(request, Rejection.unavailable(self + " cannot reach a majority of its epoch; not renewed"));
    }

    @Override
    public boolean handles(Message m) {
        return m instanceof Request || m instanceof Ok;
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (!active() || !epoch.member(from)) return;
        if (m instanceof Request r && r.epoch() == epoch.number()) {
            clock.witness(r.stamp());
            Want my = wants.get(r.name());
            boolean held = ctx.holds().get(r.name()).isPresent();
            boolean mineFirst = my != null && (my.stamp < r.stamp()
                    || (my.stamp == r.stamp() && self.index() < from.index()));
            if (held || mineFirst) {
                deferred.computeIfAbsent(r.name(), k -> new HashMap<>()).merge(from, r.stamp(), Math::max);
                ctx.emit("lock.ra-defer", Map.of("name", r.name(), "from", from.value(), "stamp", r.stamp()));
            } else {
                ctx.send(from, new Ok(epoch.number(), r.name(), r.stamp()));
            }
        } else if (m instanceof Ok ok && ok.epoch() == epoch.number()) {
            Want my = wants.get(ok.name());
            if (my != null && my.stamp == ok.stamp()) {
                my.oks.add(from);
                tryEnter(ok.name());
            }
        }
    }

    /** Retransmits requests still missing OKs (lost messages), and enters once a grace period is over. */
    @Override
    public void tick() {
        if (!active()) return;
        long now = now();
        for (String name : List.copyOf(wants.keySet())) {
            Want my = wants.get(name);
            if (now - my.lastSend >= ctx.config().retryMs() * 1_000_000L) {
                my.lastSend = now;
                for (NodeId n : others) {
                    if (!my.oks.contains(n)) {
                        ctx.send(n, new Request(epoch.number(), name, my.stamp));
                        my.sends++;
                    }
                }
            }
            tryEnter(name);
        }
    }
}
