package dsys.core.multicast;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The smallest host core: a client request (a String) is multicast and answered with its sequence number once it is
 * in the history buffer (on disk); deliveries go to the test's recorder. What a keyspace core would do, minus the keys.
 */
final class MulticastMember implements Core {

    private final Env env;
    private final ReliableMulticast channel;

    MulticastMember(Env env, Function<Consumer<Delivery>, ReliableMulticast> build, DeliveryLog log) {
        this.env = env;
        this.channel = build.apply(d -> log.delivered(env.self(), d));
    }

    @Override
    public void onStart() {
        channel.start();
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        env.reply(request, channel.multicast((String) body));
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!channel.onMessage(from, message)) throw new IllegalStateException("not a multicast message: " + message);
    }

    @Override
    public void onTimer(Object timer) {
        if (!channel.onTimer(timer)) throw new IllegalStateException("not a multicast timer: " + timer);
    }

    ReliableMulticast channel() {
        return channel;
    }
}
