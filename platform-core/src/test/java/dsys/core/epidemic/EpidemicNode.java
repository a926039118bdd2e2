package dsys.core.epidemic;

import dsys.core.clock.VectorTime;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.List;

/**
 * A test core around one node's {@link Epidemic}: client requests write, delete and read it. With
 * {@code forgetVectors}, the node's vector time is reset before each step: the epidemic never reads it, and in a
 * population of a thousand nodes every vector would grow to a thousand entries, each one kept by the simulator's
 * message journal (gigabytes for one run). Lamport time, which versions use, is kept.
 */
final class EpidemicNode implements Core {

    static final String PREFIX = "epi/";

    record Write(String key, String value) {
    }

    record Delete(String key) {
    }

    record Read(String key) {
    }

    final Env env;
    final Epidemic epidemic;
    private final boolean forgetVectors;
    /** Told of every message this node receives (tests that look at what was sent). */
    java.util.function.Consumer<Message> tap = m -> { };

    EpidemicNode(Env env, EpidemicSettings settings, List<NodeId> replicas, boolean forgetVectors,
                 java.util.function.Consumer<Update> onNew) {
        this.env = env;
        this.forgetVectors = forgetVectors;
        this.epidemic = new Epidemic(env, settings, replicas, PREFIX, onNew);
    }

    @Override
    public void onStart() {
        forget();
        epidemic.start();
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        forget();
        if (body instanceof Write w) env.reply(request, epidemic.write(w.key(), w.value()));
        else if (body instanceof Delete d) env.reply(request, epidemic.write(d.key(), null));
        else if (body instanceof Read r) env.reply(request, java.util.Optional.ofNullable(epidemic.read(r.key())));
        else env.reply(request, Rejection.badRequest("unknown " + body));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        forget();
        tap.accept(m);
        if (!epidemic.onMessage(from, m)) throw new IllegalStateException("not an epidemic message: " + m);
    }

    @Override
    public void onTimer(Object timer) {
        forget();
        if (!epidemic.onTimer(timer)) throw new IllegalStateException("not an epidemic timer: " + timer);
    }

    private void forget() {
        if (forgetVectors) env.logical().restore(env.logical().lamport(), VectorTime.ZERO);
    }
}
