package dsys.lock.election;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.Optional;

/**
 * A leader election embedded in a {@link dsys.core.env.Core}: it sends through the core's Env, and the core hands
 * it the messages and timers it {@link #handles}. The core decides when to {@link #start()} (typically in
 * {@code onStart}/{@code onRecover}; bully's rule is that a recovering node holds an election).
 */
public interface Election {

    /** Begin an election now (a no-op while this node's election is already running). */
    void start();

    boolean handles(Message m);

    void onMessage(NodeId from, Message m);

    boolean handlesTimer(Object timer);

    void onTimer(Object timer);

    /** The leader this node follows; empty before the first election and while the leader is suspected. */
    Optional<NodeId> leader();

    /** The epoch of the last adopted leadership: grows with every elected leader, at most one leader per epoch. */
    long epoch();

    /** The caller saw the leader time out: start an election if it is still believed. */
    void suspectLeader();
}
