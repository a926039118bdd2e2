package dsys.platform.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.fault.Delivery;
import dsys.core.message.Envelope;
import dsys.core.node.NodeId;
import dsys.core.transport.Transport;
import dsys.platform.host.NodeRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Envelopes over HTTP to {@code /internal/messages} on the peer, fire and forget. The sender applies the faults in
 * force (drop, delay, duplicate, partition) to each message before it is queued, which is the interceptor the notes
 * describe; the receiver checks partitions again.
 *
 * <p>One link per peer, streaming: a long POST whose chunked body carries one batch of envelopes per line, kept
 * open while there are messages (an HTTP exchange per message cost each side a request to parse, an answer to
 * write and two thread wake-ups). A message to an idle link leaves at once; the messages that arrive while a batch
 * is being written go together in the next line (as TCP coalesces segments). A link keeps its messages in order;
 * a slow or dead peer holds up only its own link; a broken stream loses the batch it was writing, like a broken
 * connection, and the next message opens a new one. A link's queue is bounded: beyond it messages are dropped,
 * like a full network buffer, and counted.
 *
 * <p>Every stream has a fresh id and every line is signed for this link and its place in the stream
 * ({@link PeerAuth}); a batch whose line would exceed {@link MessageServlet#MAX_LINE} goes out in several lines.
 */
public class HttpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    static final int MAX_QUEUED = 10_000;
    static final int MAX_BATCH = 256;
    /* An idle stream sends an empty line this often (the receiver's connection timeout is longer) ... */
    static final Duration KEEPALIVE = Duration.ofSeconds(5);
    /* ... and ends after this many of them, freeing its thread. */
    static final int IDLE_KEEPALIVES = 12;

    private final NodeRuntime node;
    private final PeerDirectory peers;
    private final PeerAuth auth;
    private final LogLimiter tooLargeLog = new LogLimiter(Duration.ofSeconds(10));
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final CloseableHttpClient http;
    private final DistributionSummary batchSizes;
    private final SplittableRandom random = new SplittableRandom();
    private final Map<NodeId, Link> links = new ConcurrentHashMap<>();
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    /* Each busy link drains on a pooled thread with blocking I/O; an idle link holds no thread. */
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dsys-transport-send");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dsys-transport-delay");
        t.setDaemon(true);
        return t;
    });

    public HttpTransport(NodeRuntime node, PeerDirectory peers, PeerAuth auth, ObjectMapper json, MeterRegistry metrics,
                         Duration timeout) {
        this.node = node;
        this.peers = peers;
        this.auth = auth;
        this.json = json;
        this.metrics = metrics;
        this.http = client(timeout);
        this.batchSizes = DistributionSummary.builder("dsys.messages.batch.size")
                .description("messages per batch (one line of a stream to a peer)").register(metrics);
    }

    @Override
    public void send(String group, Envelope e) {
        Delivery d;
        synchronized (random) {
            d = node.faults().decide(e.from().value(), e.to().value(), random);
        }
        if (d.dropped()) {
            count("dropped", e, d.reason());
            return;
        }
        Link link = links.computeIfAbsent(e.to(), Link::new);
        for (int i = 0; i < d.copies(); i++) {
            if (d.delayMs() > 0) delayer.schedule(() -> link.enqueue(group, e), d.delayMs(), TimeUnit.MILLISECONDS);
            else link.enqueue(group, e);
        }
    }

    /*
     * A blocking client, not java.net.http.HttpClient: a link's thread writes its stream itself, where HttpClient
     * hands each write to its selector thread (measured: thread wake-ups were a fifth of a lock node's CPU under
     * load). Apache's, not HttpURLConnection, which cannot stream a body of unknown length and flush it line by
     * line. The socket timeout bounds the wait for the answer at the end of a stream.
     */
    private static CloseableHttpClient client(Duration timeout) {
        Timeout t = Timeout.of(timeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(t).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .setMaxConnPerRoute(2).setMaxConnTotal(64).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableAuthCaching().disableContentCompression()
                .build();
    }

    private void count(String outcome, Envelope e, String reason) {
        counters.computeIfAbsent(new CounterKey(outcome, e.type(), reason),
                k -> metrics.counter("dsys.messages." + k.outcome(), "type", k.type(), "reason", k.reason())).increment();
    }

    /* Counted per message: a registry lookup (building and sorting tags) each time shows in profiles. */
    private record CounterKey(String outcome, String type, String reason) {
    }

    private record Queued(String group, Envelope envelope) {
    }

    private record Line(List<Queued> batch, byte[] json) {
    }

    /**
     * The messages for one peer and the thread that streams them. A message to an idle link starts a stream; the
     * messages that pile up while a batch is being written go together in the next line.
     */
    private final class Link {
        private final NodeId peer;
        private final ArrayDeque<Queued> queue = new ArrayDeque<>();
        private boolean streaming; // a thread owns this link's stream (or is about to)
        private boolean waiting;   // ... and waits for messages

        Link(NodeId peer) {
            this.peer = peer;
        }

        void enqueue(String group, Envelope e) {
            synchronized (this) {
                if (queue.size() >= MAX_QUEUED) {
                    count("dropped", e, "send-queue-full");
                    return;
                }
                queue.addLast(new Queued(group, e));
                if (streaming) {
                    if (waiting) notify();
                    return;
                }
                streaming = true;
            }
            senders.execute(this::run);
        }

        /** Opens streams until the queue stays empty; a broken stream costs the batch it was writing. */
        private void run() {
            while (true) {
                synchronized (this) {
                    if (queue.isEmpty()) {
                        streaming = false;
                        return;
                    }
                }
                var base = peers.baseUrl(peer);
                if (base.isEmpty()) {
                    dropped(take(), "unknown-peer");
                    continue;
                }
                PeerAuth.Outbound stream = auth.outbound(peer);
                Body body = new Body(stream.mac());
                try {
                    HttpPost post = new HttpPost(base.get() + MessageServlet.PATH);
                    post.setHeader(ClockHeaders.FROM, node.identity().self().value());
                    post.setHeader(ClockHeaders.STREAM, stream.stream());
                    post.setEntity(body);
                    // A stream the peer refuses (PeerAuth) breaks while being written, like one to a peer that died:
                    // its answer is never read here; the peer logs and counts why (dsys.transport.rejected).
                    http.execute(post, response -> {
                        EntityUtils.consume(response.getEntity());
                        return null;
                    });
                } catch (IOException ex) {
                    log.debug("message stream to {} failed: {}", peer, ex.toString());
                    lost(body, "unreachable");
                } catch (RuntimeException ex) {
                    log.warn("message stream to {} failed", peer, ex);
                    lost(body, "error");
                }
            }
        }

        /*
         * A stream that broke loses the batch it was writing. One that never opened (peer down: connection refused)
         * costs the oldest batch instead, as a failed POST did, so that retrying a dead peer drains the queue
         * rather than spinning on it.
         */
        private void lost(Body body, String reason) {
            if (body.writing != null) dropped(body.writing, reason);
            else if (!body.opened) dropped(take(), reason);
        }

        private void dropped(List<Queued> batch, String reason) {
            for (Queued q : batch) count("dropped", q.envelope(), reason);
        }

        private synchronized List<Queued> take() {
            List<Queued> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
            while (!queue.isEmpty() && batch.size() < MAX_BATCH) batch.add(queue.pollFirst());
            return batch;
        }

        /** The next batch, or an empty one after {@link #KEEPALIVE} without messages. */
        private synchronized List<Queued> next() throws InterruptedIOException {
            long deadline = System.nanoTime() + KEEPALIVE.toNanos();
            waiting = true;
            try {
                while (queue.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return List.of();
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("closing");
            } finally {
                waiting = false;
            }
            return take();
        }

        /** The stream's body: a batch per line as messages come; an empty line when idle; ends after a long idle. */
        private final class Body extends AbstractHttpEntity {
            private final BatchMac mac;
            volatile List<Queued> writing;
            volatile boolean opened;

            Body(BatchMac mac) {
                super(ContentType.APPLICATION_JSON, null, true); // chunked: no length
                this.mac = mac;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                opened = true;
                for (int idle = 0; idle < IDLE_KEEPALIVES; ) {
                    List<Queued> batch = next();
                    if (batch.isEmpty()) {
                        idle++;
                        out.write('\n');
                        out.flush();
                        continue;
                    }
                    idle = 0;
                    int done = 0;
                    for (Line line : lines(batch)) {
                        writing = batch.subList(done, batch.size()); // lost with the stream if it breaks now
                        write(out, line);
                        done += line.batch().size();
                    }
                    writing = null;
                }
            }

            private void write(OutputStream out, Line line) throws IOException {
                if (BatchMac.BATCH_OFFSET + line.json().length > MessageServlet.MAX_LINE) {
                    dropped(line.batch(), "too-large");
                    if (tooLargeLog.allow()) {
                        log.warn("a {} to {} is {} bytes as JSON, more than a peer takes ({}): dropped (dsys.messages.dropped)",
                                line.batch().get(0).envelope().type(), peer, line.json().length, MessageServlet.MAX_LINE);
                    }
                    return;
                }
                out.write(mac.sign(line.json()));
                out.write(' ');
                out.write(line.json());
                out.write('\n');
                out.flush();
                for (Queued q : line.batch()) count("sent", q.envelope(), "");
                batchSizes.record(line.batch().size());
            }

            @Override
            public InputStream getContent() {
                throw new UnsupportedOperationException("a message stream is written, not read");
            }

            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public boolean isRepeatable() {
                return false;
            }

            @Override
            public boolean isStreaming() {
                return true;
            }

            @Override
            public void close() {
            }
        }

        /** The batch as lines that each fit a peer's limit: halved until they do (a single message as it is). */
        private List<Line> lines(List<Queued> batch) throws JsonProcessingException {
            byte[] bytes = encode(batch);
            if (BatchMac.BATCH_OFFSET + bytes.length <= MessageServlet.MAX_LINE || batch.size() == 1) {
                return List.of(new Line(batch, bytes));
            }
            List<Line> out = new ArrayList<>(lines(batch.subList(0, batch.size() / 2)));
            out.addAll(lines(batch.subList(batch.size() / 2, batch.size())));
            return out;
        }

        private byte[] encode(List<Queued> batch) throws JsonProcessingException {
            List<MessageBatch.Item> items = new ArrayList<>(batch.size());
            for (Queued q : batch) items.add(MessageBatch.Item.of(q.group(), q.envelope()));
            return json.writeValueAsBytes(new MessageBatch(items));
        }
    }
}
