package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.core.sim.RequestListener;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import dsys.verifier.CheckResult;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.lock.LockChecker;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The lock clients' side of a simulation, for the verifier: each acquire, renew, release and fenced write as its
 * client saw it, invoked and completed in true (virtual) time, with the token and lease the client was told. The
 * nodes' own events and their word on remaining leases play no part. Each request is its own process (a client
 * that saw a crash may go on), the owner is in the value.
 */
final class ClientHistory implements RequestListener {

    private final HistoryRecorder rec;
    private final Map<SimRequest, HistoryRecorder.Pending> open = new IdentityHashMap<>(); // looked up, never iterated
    private long grants;

    ClientHistory(Simulation sim) {
        this.rec = new HistoryRecorder(sim::now, null);
    }

    @Override
    public void invoked(SimRequest r) {
        String process = r.id().value(), node = r.node().value();
        Object body = r.body();
        HistoryRecorder.Pending p = null;
        if (body instanceof LockRequests.Acquire a) {
            p = rec.invoke(process, node, "acquire", a.name(), Map.of("owner", a.owner(), "leaseMs", a.leaseMs()));
        } else if (body instanceof LockRequests.Renew x) {
            p = rec.invoke(process, node, "renew", x.name(), Map.of("owner", x.owner(), "token", x.fencingToken()));
        } else if (body instanceof LockRequests.Release x) {
            p = rec.invoke(process, node, "release", x.name(), Map.of("owner", x.owner(), "token", x.fencingToken()));
        } else if (body instanceof LockRequests.FencedWrite w) {
            p = rec.invoke(process, node, "use", w.name(), Map.of("token", w.fencingToken()));
        }
        if (p != null) open.put(r, p);
    }

    @Override
    public void finished(SimRequest r) {
        HistoryRecorder.Pending p = open.remove(r);
        if (p == null) return;
        if (r.crashed()) {
            if (r.delivered()) p.info("its node crashed: outcome unknown");
            else p.fail("never reached its node");
        } else if (r.result() instanceof Rejection x) {
            p.fail(x.type());
        } else if (r.result() instanceof Granted g) {
            grants++;
            p.ok(Map.of("owner", g.owner(), "token", g.fencingToken(), "leaseMs", g.leaseMs()));
        } else {
            p.ok();
        }
    }

    /** Acquires the clients saw granted. */
    long grants() {
        return grants;
    }

    /** The verifier's lock checks with the clock-rate bound the service assumes. */
    CheckResult check(double rho) {
        return new LockChecker(Long.MAX_VALUE, rho).check(rec.history());
    }
}
