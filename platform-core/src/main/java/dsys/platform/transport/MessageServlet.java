package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.node.NodeId;
import dsys.platform.host.NodeRuntime;
import dsys.platform.web.Problems;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receives batches of envelopes from peer nodes ({@link MessageBatch}) and hands each to the core of its group.
 * A plain servlet rather than a controller: it is the hottest path of every service, and Spring MVC's dispatch
 * (handler lookup, argument resolution, return-value handling) cost more than the delivery itself.
 *
 * <p>Two shapes of the same POST. With a Content-Length it carries one batch and is answered at once (202, or a
 * problem). Without one (chunked) it is a peer's stream: one batch per line for as long as the peer keeps it open,
 * read without blocking a thread between lines and answered when the peer ends it. Peers stream, so a message
 * costs one write on each side instead of an HTTP exchange (see {@link HttpTransport}).
 *
 * <p>Only members are heard ({@link PeerAuth}): a stranger is refused before anything is read, a batch whose
 * signature does not check out ends its stream, and nothing of it is delivered. A line is at most {@link #MAX_LINE}
 * bytes; logical times out of bounds are refused ({@link LamportBounds}). Every refusal is a problem answer, counted
 * and logged ({@link Rejections}).
 */
public class MessageServlet extends HttpServlet {

    public static final String PATH = "/internal/messages";
    private static final Logger log = LoggerFactory.getLogger(MessageServlet.class);
    /** The longest line, signature included: one 1 MiB kv value fits even base64-encoded; senders split batches below it. */
    public static final int MAX_LINE = 2 << 20;

    private final transient NodeRuntime node;
    private final transient ObjectMapper json;
    private final transient PeerAuth auth;
    private final transient Rejections rejections;
    private final transient LamportBounds clocks = new LamportBounds();
    private final transient Set<Stream> streams = ConcurrentHashMap.newKeySet();

    public MessageServlet(NodeRuntime node, ObjectMapper json, PeerAuth auth, Rejections rejections) {
        this.node = node;
        this.json = json;
        this.auth = auth;
        this.rejections = rejections;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (node.crashed()) {
            String self = node.identity().self().value();
            Problems.write(res, json, 503, "node-crashed", "Node crashed", "node " + self + " is crashed");
            return;
        }
        String from = req.getHeader(ClockHeaders.FROM);
        try {
            long length = req.getContentLengthLong();
            if (length > MAX_LINE + 1) throw tooLarge("a batch of " + length + " bytes");
            PeerAuth.Inbound link = auth.inbound(from, req.getHeader(ClockHeaders.STREAM));
            if (length < 0) {
                AsyncContext async = req.startAsync();
                async.setTimeout(0); // the peer keeps it open; it sends an empty line now and then
                Stream s = new Stream(async, req.getInputStream(), link);
                streams.add(s);
                s.in.setReadListener(s);
                return;
            }
            byte[] body = req.getInputStream().readNBytes((int) length);
            int len = body.length > 0 && body[body.length - 1] == '\n' ? body.length - 1 : body.length;
            deliver(accept(link, body, len));
            res.setStatus(202);
        } catch (PeerRefusal r) {
            refuse(res, from, r);
        }
    }

    /** Ends every open stream (before the web server's graceful shutdown, which would wait for them). */
    public void closeStreams() {
        streams.forEach(s -> s.finish(null));
    }

    private static PeerRefusal tooLarge(String what) {
        return new PeerRefusal(PeerRefusal.Reason.TOO_LARGE, what + " is more than the " + MAX_LINE + " bytes a batch may have");
    }

    /**
     * Checks the signed batch in {@code line[0, len)} and returns its messages, none if this node does not hear them
     * now (crashed, partitioned from the sender); refused, none of it is delivered.
     */
    private List<MessageBatch.Received> accept(PeerAuth.Inbound link, byte[] line, int len) throws PeerRefusal {
        link.verify(line, 0, len);
        NodeId self = node.identity().self();
        // The receiving side of the interceptor: a crashed node and a partition drop the messages, silently.
        if (node.crashed() || node.faults().partitioned(link.from.value(), self.value())) return List.of();
        List<MessageBatch.Received> batch;
        try {
            batch = MessageBatch.decode(line, BatchMac.BATCH_OFFSET, len - BatchMac.BATCH_OFFSET, link.from, self, json);
        } catch (IllegalArgumentException e) {
            throw new PeerRefusal(PeerRefusal.Reason.MALFORMED, e.getMessage());
        }
        clocks.check(batch);
        clocks.accepted(batch);
        return batch;
    }

    /** Hands accepted messages to their cores, together (they share an fsync: {@link NodeRuntime#deliverAll}). */
    private void deliver(List<MessageBatch.Received> messages) throws PeerRefusal {
        if (messages.isEmpty()) return;
        String unknown = node.deliverAll(messages);
        if (unknown != null) {
            throw new PeerRefusal(PeerRefusal.Reason.UNKNOWN_GROUP,
                    "no core named '" + unknown + "' runs on " + node.identity().self());
        }
    }

    private void refuse(HttpServletResponse res, String from, PeerRefusal r) throws IOException {
        rejections.count(r, from);
        PeerRefusal.Reason why = r.reason();
        if (why.status == 401) res.setHeader("WWW-Authenticate", "DsysBatchMac realm=\"dsys\"");
        res.setHeader("Connection", "close"); // what follows in the body is not read: do not reuse the connection
        Problems.write(res, json, why.status, why.slug, why.title, r.getMessage());
    }

    /** One peer's open stream: splits what arrives into lines and delivers each line's batch. */
    private final class Stream implements ReadListener {
        private final AsyncContext async;
        private final ServletInputStream in;
        private final PeerAuth.Inbound link;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private final byte[] buffer = new byte[8192];
        private boolean finished;

        Stream(AsyncContext async, ServletInputStream in, PeerAuth.Inbound link) {
            this.async = async;
            this.in = in;
            this.link = link;
        }

        /*
         * Every complete line of one read is checked first and delivered together: lines that piled up while the
         * node was busy (an fsync) then share the next one.
         */
        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) return;
                List<MessageBatch.Received> arrived = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') continue;
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    if (line.size() > 0 && !take(arrived)) return;
                }
                if (!hand(arrived)) return;
                line.write(buffer, start, n - start);
                if (line.size() > MAX_LINE) {
                    finish(tooLarge("a line of more than " + line.size() + " bytes so far"));
                    return;
                }
            }
        }

        /** Adds the messages of the line collected so far; false when it ended the stream (after handing the rest). */
        private boolean take(List<MessageBatch.Received> arrived) {
            try {
                if (line.size() > MAX_LINE) throw tooLarge("a line of " + line.size() + " bytes");
                arrived.addAll(accept(link, line.toByteArray(), line.size()));
                line.reset();
                return true;
            } catch (PeerRefusal r) {
                if (hand(arrived)) end(r); // the lines before it checked out
                return false;
            }
        }

        /** Delivers; false when that ended the stream. */
        private boolean hand(List<MessageBatch.Received> arrived) {
            try {
                deliver(arrived);
                return true;
            } catch (PeerRefusal r) {
                end(r);
                return false;
            }
        }

        private void end(PeerRefusal r) {
            log.debug("closing the message stream from {}: {}", link.from, r.getMessage());
            finish(r);
        }

        @Override
        public void onAllDataRead() {
            finish(null);
        }

        @Override
        public void onError(Throwable t) {
            log.debug("message stream from {} broke off: {}", link.from, t.toString());
            finish(null);
        }

        synchronized void finish(PeerRefusal refusal) {
            if (finished) return;
            finished = true;
            streams.remove(this);
            HttpServletResponse res = (HttpServletResponse) async.getResponse();
            try {
                res.setHeader("Connection", "close"); // the rest of the stream is not read: do not reuse it
                if (refusal == null) res.setStatus(202);
                else refuse(res, link.from.value(), refusal);
            } catch (IOException | IllegalStateException e) {
                log.debug("answering the message stream from {}: {}", link.from, e.toString());
            } finally {
                try {
                    async.complete();
                } catch (IllegalStateException alreadyOver) {
                    // the container ended it first (peer gone)
                }
            }
        }
    }
}
