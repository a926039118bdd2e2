package dsys.core.env;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/**
 * An algorithm as a state machine. The host calls these one at a time; the core answers through its
 * {@link Env}. A crash discards the core object; the host builds a new one and calls {@link #onRecover()}
 * before anything else, so state that must survive lives in {@link Env#storage()}.
 */
public interface Core {

    default void onStart() {
    }

    void onRequest(RequestId request, Object body);

    void onMessage(NodeId from, Message message);

    default void onTimer(Object timer) {
    }

    /** Called instead of {@link #onStart()} when the node comes back after a crash. */
    default void onRecover() {
        onStart();
    }
}
