package dsys.lock.election;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.function.BiFunction;

/** A minimal host core, as the mutex or coordination core would embed an election. Request "start" starts one. */
final class ElectionNode implements Core {

    final AbstractElection election;
    private final Duration heartbeat;
    private final Duration suspectAfter;

    ElectionNode(Env env, BiFunction<Env, java.util.function.Consumer<Leadership>, AbstractElection> factory,
                 Duration heartbeat, Duration suspectAfter) {
        this.election = factory.apply(env, l -> { });
        this.heartbeat = heartbeat;
        this.suspectAfter = suspectAfter;
    }

    static ElectionNode bully(Env env) {
        return new ElectionNode(env, BullyElection::new, null, null);
    }

    static ElectionNode ring(Env env) {
        return new ElectionNode(env, RingElection::new, null, null);
    }

    @Override
    public void onStart() {
        if (heartbeat != null) election.monitorLeader(heartbeat, suspectAfter);
    }

    @Override
    public void onRecover() {
        onStart();
        election.start(); // bully's rule: a process that comes back holds an election
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if ("start".equals(body)) election.start();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (election.handles(message)) election.onMessage(from, message);
    }

    @Override
    public void onTimer(Object timer) {
        if (election.handlesTimer(timer)) election.onTimer(timer);
    }
}
