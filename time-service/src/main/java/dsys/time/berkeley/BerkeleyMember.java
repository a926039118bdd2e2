package dsys.time.berkeley;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;
import dsys.time.core.Recent;
import dsys.time.core.SyncDone;

import java.util.Map;

/** A machine polled by the Berkeley daemon: answers with its time, applies the delta it is sent (once). */
public final class BerkeleyMember {

    private final NodeContext ctx;
    private final Map<String, Boolean> applied = Recent.map(32);

    public BerkeleyMember(NodeContext ctx) {
        this.ctx = ctx;
    }

    public void onPoll(NodeId daemon, BerkeleyPoll p) {
        long now = ctx.now();
        ctx.send(daemon, new BerkeleyTime(p.round(), p.seq(), now, 0));
        ctx.emit("time.berkeley.reply", p.round(), Map.of("daemon", daemon.value(), "clockNanos", now));
    }

    public void onAdjust(NodeId daemon, BerkeleyAdjust a) {
        if (applied.putIfAbsent(a.round(), true) != null) return; // a duplicated delta must not apply twice
        ctx.adjust(a.deltaNanos());
        ctx.emit("time.berkeley.adjust", a.round(), Map.of("daemon", daemon.value(), "deltaNanos", a.deltaNanos()));
        ctx.send(a.coordinator(), new SyncDone(a.round(), ctx.self().value(), true, a.deltaNanos(),
                a.errorBoundNanos(), Map.of("daemon", daemon.value())));
    }
}
