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
 */
public class MessageServlet extends HttpServlet {

    public static final String PATH = "/internal/messages";
    private static final Logger log = LoggerFactory.getLogger(MessageServlet.class);
    static final int MAX_LINE = 16 << 20;

    private final transient NodeRuntime node;
    private final transient ObjectMapper json;
    private final transient Set<Stream> streams = ConcurrentHashMap.newKeySet();

    public MessageServlet(NodeRuntime node, ObjectMapper json) {
        this.node = node;
        this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String self = node.identity().self().value();
        if (node.crashed()) {
            problem(res, 503, "node-crashed", "Node crashed", "node " + self + " is crashed");
            return;
        }
        String from = req.getHeader(ClockHeaders.FROM);
        if (from == null) {
            problem(res, 400, "bad-request", "Bad request", "header " + ClockHeaders.FROM + " is required");
            return;
        }
        if (req.getContentLengthLong() < 0) {
            AsyncContext async = req.startAsync();
            async.setTimeout(0); // the peer keeps it open; it sends an empty line now and then
            Stream s = new Stream(async, req.getInputStream(), from);
            streams.add(s);
            s.in.setReadListener(s);
            return;
        }
        Failure f = receive(from, req.getInputStream().readAllBytes());
        if (f == null) res.setStatus(202);
        else problem(res, f.status, f.slug, f.title, f.detail);
    }

    /** Ends every open stream (before the web server's graceful shutdown, which would wait for them). */
    public void closeStreams() {
        streams.forEach(s -> s.finish(null));
    }

    private record Failure(int status, String slug, String title, String detail) {
    }

    /** Delivers one batch; null when done, else why it was refused. */
    private Failure receive(String from, byte[] body) {
        String self = node.identity().self().value();
        // The receiving side of the interceptor: a crashed node and a partition drop the messages, silently.
        if (node.crashed() || node.faults().partitioned(from, self)) return null;
        List<MessageBatch.Received> batch;
        try {
            batch = MessageBatch.decode(body, NodeId.of(from), node.identity().self(), json);
        } catch (IllegalArgumentException e) {
            return new Failure(400, "bad-request", "Bad request", e.getMessage());
        }
        for (MessageBatch.Received r : batch) {
            if (!node.deliver(r.group(), r.envelope()) && !node.crashed()) {
                return new Failure(404, "unknown-group", "Unknown group", "no core named '" + r.group() + "' runs on " + self);
            }
        }
        return null;
    }

    private void problem(HttpServletResponse res, int status, String slug, String title, String detail) throws IOException {
        res.setStatus(status);
        res.setContentType("application/problem+json");
        json.writeValue(res.getOutputStream(), Problems.of(status, slug, title, detail));
    }

    /** One peer's open stream: splits what arrives into lines and delivers each line's batch. */
    private final class Stream implements ReadListener {
        private final AsyncContext async;
        private final ServletInputStream in;
        private final String from;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private final byte[] buffer = new byte[8192];
        private boolean finished;

        Stream(AsyncContext async, ServletInputStream in, String from) {
            this.async = async;
            this.in = in;
            this.from = from;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) return;
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != '\n') continue;
                    line.write(buffer, start, i - start);
                    start = i + 1;
                    if (line.size() > 0) {
                        Failure f = receive(from, line.toByteArray());
                        line.reset();
                        if (f != null) {
                            log.warn("closing the message stream from {}: {}", from, f.detail);
                            finish(f);
                            return;
                        }
                    }
                }
                line.write(buffer, start, n - start);
                if (line.size() > MAX_LINE) {
                    finish(new Failure(400, "bad-request", "Bad request", "a batch longer than " + MAX_LINE + " bytes"));
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            finish(null);
        }

        @Override
        public void onError(Throwable t) {
            log.debug("message stream from {} broke off: {}", from, t.toString());
            finish(null);
        }

        synchronized void finish(Failure f) {
            if (finished) return;
            finished = true;
            streams.remove(this);
            HttpServletResponse res = (HttpServletResponse) async.getResponse();
            try {
                res.setHeader("Connection", "close"); // the rest of the stream is not read: do not reuse it
                if (f == null) res.setStatus(202);
                else problem(res, f.status, f.slug, f.title, f.detail);
            } catch (IOException | IllegalStateException e) {
                log.debug("answering the message stream from {}: {}", from, e.toString());
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
