package dsys.kv.sim;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A node's Env that tells the test harness when the core answers a client request, so simulated clients react
 * at the instant of the reply instead of polling for it, and what it sends (to measure messages as they leave);
 * every call goes to the simulator's Env unchanged.
 */
public final class ReplyTap {

    private ReplyTap() {
    }

    /** What a node sent: its sender, its receiver and the message. */
    public interface Sent {
        void sent(NodeId from, NodeId to, Message m);
    }

    /** A node answered a client request. */
    public interface Replied {
        void replied(NodeId node, RequestId request, Object result);
    }

    static Env around(Env env, Replied replied, Sent sent) {
        return (Env) Proxy.newProxyInstance(Env.class.getClassLoader(), new Class<?>[]{Env.class}, (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(env, args);
            } catch (InvocationTargetException e) {
                throw e.getCause(); // e.g. the simulator's crash-point unwinding, which must pass through as it is
            }
            if (method.getName().equals("reply")) replied.replied(env.self(), (RequestId) args[0], args[1]);
            else if (method.getName().equals("send")) sent.sent(env.self(), (NodeId) args[0], (Message) args[1]);
            return result;
        });
    }
}
