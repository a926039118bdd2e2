package dsys.time.cristian;

import dsys.core.node.NodeId;
import dsys.time.core.NodeContext;

import java.time.Duration;
import java.util.Map;

/** The time server of notes §4.2: answers with its time and the time it spent (I). */
public final class CristianServer {

    /** A reply held back to simulate processing time I. */
    public record Processing(NodeId client, CristianRequest request, long receivedAt) {
    }

    private final NodeContext ctx;

    public CristianServer(NodeContext ctx) {
        this.ctx = ctx;
    }

    public void onRequest(NodeId from, CristianRequest r) {
        long received = ctx.now();
        Duration processing = ctx.config().serverProcessing();
        if (processing.isZero()) answer(new Processing(from, r, received));
        else ctx.env().after(processing, new Processing(from, r, received));
    }

    public void answer(Processing p) {
        long now = ctx.now();
        ctx.send(p.client(), new CristianReply(p.request().round(), p.request().seq(), now, now - p.receivedAt(), 0));
        ctx.emit("time.cristian.reply", p.request().round(),
                Map.of("client", p.client().value(), "serverTimeNanos", now, "processingNanos", now - p.receivedAt()));
    }
}
