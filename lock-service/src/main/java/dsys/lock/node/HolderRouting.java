package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.NodeMessages.ForwardRelease;
import dsys.lock.node.NodeMessages.ForwardRenew;
import dsys.lock.node.NodeMessages.ForwardReply;

import java.util.List;
import java.util.Optional;

/**
 * Renew and release may be asked of any node; they belong to the node acting for the holder, whose index is in
 * the fencing token. Elsewhere they are forwarded there ({@code ForwardRenew}/{@code ForwardRelease}, not counted
 * as algorithm traffic) and its answer is relayed back; no answer in time is a 503.
 */
final class HolderRouting {

    /** A renewal forwarded from {@code fwd:<node>:<gather>} is answered to that node, not to a client. */
    private static final String RELAY = "fwd:";

    private final Env env;
    private final ActingNode acting;
    private final LockNodeCore node;
    private final Gathers gathers;
    private final Gathers.Patience patience;

    HolderRouting(Env env, ActingNode acting, LockNodeCore node, Gathers gathers, Gathers.Patience patience) {
        this.env = env;
        this.acting = acting;
        this.node = node;
        this.gathers = gathers;
        this.patience = patience;
    }

    void route(RequestId request, String name, String owner, long token, boolean renew) {
        Rejection bad = Validation.lockName(name);
        if (bad == null) bad = Validation.name("owner", owner);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        Optional<NodeId> target = token <= 0 ? Optional.empty() : node.nodeByIndex(Fencing.node(token));
        if (target.isEmpty()) {
            env.reply(request, Rejection.conflict("stale-token", "fencing token " + token
                    + " was never granted by this cluster"));
        } else if (!target.get().equals(env.self())) {
            NodeId at = target.get();
            String what = renew ? "renew" : "release";
            gathers.<ForwardReply>ask(List.of(at), qid -> renew ? new ForwardRenew(qid, name, owner, token)
                    : new ForwardRelease(qid, name, owner, token), null, patience, g -> relayBack(request, at, what, g));
        } else if (renew) {
            acting.renew(request, name, owner, token);
        } else {
            env.reply(request, acting.release(name, owner, token));
        }
    }

    private void relayBack(RequestId request, NodeId at, String what, Gather<ForwardReply> g) {
        ForwardReply f = g.replies().get(at);
        if (f == null) {
            env.reply(request, Rejection.unavailable(what + ": no answer from " + at
                    + " (the node holding the lock) in time; it may be down or cut off"));
        } else {
            env.reply(request, f.rejection() != null ? f.rejection() : f.renewed() != null ? f.renewed() : f.released());
        }
    }

    boolean handles(Message m) {
        return m instanceof ForwardRenew || m instanceof ForwardRelease || m instanceof ForwardReply;
    }

    void onMessage(NodeId from, Message m) {
        if (m instanceof ForwardRenew f) {
            // the renewal completes later (the algorithm may ask the coordinator): answer through a relay request
            acting.renew(new RequestId(RELAY + from.value() + ":" + f.qid()), f.name(), f.owner(), f.token());
        } else if (m instanceof ForwardRelease f) {
            Object r = acting.release(f.name(), f.owner(), f.token());
            node.transmit(from, new ForwardReply(f.qid(), r instanceof Rejection x ? x : null, null,
                    r instanceof Released x ? x : null));
        } else if (m instanceof ForwardReply f) {
            gathers.accept(f.qid(), from, f);
        }
    }

    /** Relayed renewals (see ForwardRenew) answer here instead of to a client. */
    boolean relayed(RequestId request, Object result) {
        String v = request.value();
        if (!v.startsWith(RELAY)) return false;
        String[] p = v.split(":", 3);
        node.transmit(NodeId.of(p[1]), new ForwardReply(p[2], result instanceof Rejection r ? r : null,
                result instanceof Renewed r ? r : null, null));
        return true;
    }
}
