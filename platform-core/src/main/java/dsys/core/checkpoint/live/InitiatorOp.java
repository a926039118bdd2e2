package dsys.core.checkpoint.live;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One run of the initiator (a snapshot, a coordinated round, an independent query, a restore): its messages, its
 * timers (by {@link #id}) and the client request it answers once. A run may go on in the background after it
 * answered (a round's CHECKPOINT_DONE, a restore's orders to a slow node).
 */
abstract class InitiatorOp {

    final CheckpointInitiator in;
    final long id;
    private final RequestId request;
    private final TreeMap<String, Long> messages = new TreeMap<>();
    private boolean answered;

    InitiatorOp(CheckpointInitiator in, RequestId request) {
        this.in = in;
        this.id = in.nextOpId();
        this.request = request;
    }

    abstract void start();

    abstract void onMessage(NodeId from, Message m);

    abstract void onTimer(String kind);

    /** Whether other runs must wait while this one goes on in the background. */
    boolean holdsOthers() {
        return false;
    }

    void send(NodeId to, Message m) {
        in.env.send(to, m);
        messages.merge(m.type(), 1L, Long::sum);
    }

    void heard(Message m) {
        messages.merge(m.type(), 1L, Long::sum);
    }

    SortedMap<String, Long> messages() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(messages));
    }

    void answer(Object result) {
        if (!answered && request != null) in.env.reply(request, result);
        answered = true;
    }

    void after(Duration d, String kind) {
        in.env.after(d, new CheckpointInitiator.Tick(id, kind));
    }
}
