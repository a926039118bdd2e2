package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.gather.Gather;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.fenced.FencedResource;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.NodeMessages.FencedReadCall;
import dsys.lock.node.NodeMessages.FencedReply;
import dsys.lock.node.NodeMessages.FencedWriteCall;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The fenced resource lives on the lowest member; any node takes a write or read and calls it there. */
final class FencedResourceHost {

    private final Env env;
    private final LockNodeCore node;
    private final FencedResource fenced;
    private final Gathers gathers;
    private final Gathers.Patience patience;

    FencedResourceHost(Env env, LockNodeCore node, FencedResource fenced, Gathers gathers, Gathers.Patience patience) {
        this.env = env;
        this.node = node;
        this.fenced = fenced;
        this.gathers = gathers;
        this.patience = patience;
    }

    private NodeId host() {
        return env.members().nodes().get(0);
    }

    void write(RequestId request, LockRequests.FencedWrite f) {
        Rejection bad = Validation.lockName(f.name());
        if (bad == null && f.value() == null) bad = Rejection.badRequest("value is required");
        if (bad != null) env.reply(request, bad);
        else if (host().equals(env.self())) env.reply(request, write(f.name(), f.fencingToken(), f.value()));
        else call(request, qid -> new FencedWriteCall(qid, f.name(), f.fencingToken(), f.value()));
    }

    void read(RequestId request, String name) {
        if (host().equals(env.self())) env.reply(request, read(name));
        else call(request, qid -> new FencedReadCall(qid, name));
    }

    private void call(RequestId request, Function<String, Message> call) {
        NodeId host = host();
        gathers.<FencedReply>ask(List.of(host), call, null, patience, g -> answer(request, host, g));
    }

    private void answer(RequestId request, NodeId host, Gather<FencedReply> g) {
        FencedReply f = g.replies().get(host);
        if (f == null) {
            env.reply(request, Rejection.unavailable("fenced: no answer from " + host
                    + " (the fenced resource's host) in time; it may be down or cut off"));
        } else {
            env.reply(request, f.rejection() != null ? f.rejection() : f.result());
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

    boolean handles(Message m) {
        return m instanceof FencedWriteCall || m instanceof FencedReadCall || m instanceof FencedReply;
    }

    void onMessage(NodeId from, Message m) {
        if (m instanceof FencedWriteCall w) {
            Object r = write(w.name(), w.token(), w.value());
            node.transmit(from, new FencedReply(w.qid(), r instanceof Rejection x ? x : null,
                    r instanceof FencedResult x ? x : null));
        } else if (m instanceof FencedReadCall c) {
            node.transmit(from, new FencedReply(c.qid(), null, read(c.name())));
        } else if (m instanceof FencedReply f) {
            gathers.accept(f.qid(), from, f);
        }
    }
}
