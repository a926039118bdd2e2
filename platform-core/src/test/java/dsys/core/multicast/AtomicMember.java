package dsys.core.multicast;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.multicast.AtomicMulticast.AtomicDelivery;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A host core over {@link AtomicMulticast}: a client request (a String) is multicast and answered with its number
 * once this member delivers it (so an answered multicast was delivered in some view). Deliveries and installs go to
 * the test's {@link ViewLog}.
 */
final class AtomicMember implements Core {

    static final Duration TICK = Duration.ofMillis(20);
    static final Duration SUSPECT_AFTER = Duration.ofMillis(200);

    private final Env env;
    private final AtomicMulticast channel;
    private final Map<Long, RequestId> waiting = new HashMap<>();

    AtomicMember(Env env, List<NodeId> group, ViewLog log) {
        this.env = env;
        this.channel = new AtomicMulticast(env, group, TICK, SUSPECT_AFTER, "am.", d -> delivered(d, log),
                v -> log.installed(env.self(), v));
    }

    private void delivered(AtomicDelivery d, ViewLog log) {
        log.delivered(env.self(), d);
        RequestId r = d.origin().equals(env.self()) ? waiting.remove(d.seq()) : null;
        if (r != null) env.reply(r, d.seq());
    }

    @Override
    public void onStart() {
        channel.start();
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        waiting.put(channel.multicast((String) body), request);
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!channel.onMessage(from, message)) throw new IllegalStateException("not an atomic multicast message: " + message);
    }

    @Override
    public void onTimer(Object timer) {
        if (!channel.onTimer(timer)) throw new IllegalStateException("not an atomic multicast timer: " + timer);
    }

    AtomicMulticast channel() {
        return channel;
    }
}
