package dsys.platform.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.fault.Delivery;
import dsys.core.message.Envelope;
import dsys.core.node.NodeId;
import dsys.core.transport.Transport;
import dsys.platform.host.NodeRuntime;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
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
 * Envelopes as HTTP POSTs to {@code /internal/messages} on the peer, fire and forget. The sender applies the
 * faults in force (drop, delay, duplicate, partition) to each message before it is queued, which is the
 * interceptor the notes describe; the receiver checks partitions again.
 *
 * <p>One link per peer, with at most one POST on the wire: a message to an idle link leaves at once, and the
 * messages that arrive while a POST is out go together in the next one (as TCP coalesces segments). Under load
 * this turns many small HTTP exchanges into a few larger ones; a link keeps its messages in order; a slow or
 * dead peer holds up only its own link. A link's queue is bounded: beyond it messages are dropped, like a full
 * network buffer, and counted.
 */
public class HttpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
    static final int MAX_QUEUED = 10_000;
    static final int MAX_BATCH = 256;

    private final NodeRuntime node;
    private final PeerDirectory peers;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Duration timeout;
    private final DistributionSummary batchSizes;
    private final SplittableRandom random = new SplittableRandom();
    private final Map<NodeId, Link> links = new ConcurrentHashMap<>();
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

    public HttpTransport(NodeRuntime node, PeerDirectory peers, ObjectMapper json, MeterRegistry metrics, Duration timeout) {
        this.node = node;
        this.peers = peers;
        this.json = json;
        this.metrics = metrics;
        this.timeout = timeout;
        this.batchSizes = DistributionSummary.builder("dsys.messages.batch.size")
                .description("messages per POST to a peer").register(metrics);
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

    private void count(String outcome, Envelope e, String reason) {
        metrics.counter("dsys.messages." + outcome, "type", e.type(), "reason", reason).increment();
    }

    private record Queued(String group, Envelope envelope) {
    }

    /** The messages for one peer and whether a POST to it is on the wire. */
    private final class Link {
        private final NodeId peer;
        private final ArrayDeque<Queued> queue = new ArrayDeque<>();
        private boolean sending;

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
                if (sending) return;
                sending = true;
            }
            senders.execute(this::drain);
        }

        /** Sends batches until the queue is empty; only one drain runs per link. */
        private void drain() {
            while (true) {
                List<Queued> batch;
                synchronized (this) {
                    if (queue.isEmpty()) {
                        sending = false;
                        return;
                    }
                    batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
                    while (!queue.isEmpty() && batch.size() < MAX_BATCH) batch.add(queue.pollFirst());
                }
                post(batch);
            }
        }

        private void post(List<Queued> batch) {
            String outcome = "sent";
            String reason = "";
            try {
                var base = peers.baseUrl(peer);
                if (base.isEmpty()) {
                    outcome = "dropped";
                    reason = "unknown-peer";
                    return;
                }
                int status = exchange(base.get(), encode(batch));
                if (status >= 300) {
                    outcome = "dropped";
                    reason = "status-" + status;
                }
            } catch (IOException ex) {
                outcome = "dropped";
                reason = "unreachable";
                log.debug("{} messages to {} failed: {}", batch.size(), peer, ex.toString());
            } catch (RuntimeException ex) {
                outcome = "dropped";
                reason = "error";
                log.warn("{} messages to {} not sent", batch.size(), peer, ex);
            } finally {
                for (Queued q : batch) count(outcome, q.envelope(), reason);
                batchSizes.record(batch.size());
            }
        }

        /*
         * HttpURLConnection, not java.net.http.HttpClient: it does the whole exchange on this thread over a kept-alive
         * connection, where HttpClient hands each exchange to its selector and worker threads and back (measured:
         * thread wake-ups were a fifth of a lock node's CPU under load).
         */
        private int exchange(String base, byte[] body) throws IOException {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + MessageServlet.PATH).toURL().openConnection();
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty(ClockHeaders.FROM, node.identity().self().value());
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            // read the answer to its end so that the connection goes back to the keep-alive cache
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (in != null) in.transferTo(OutputStream.nullOutputStream());
            }
            return status;
        }

        private byte[] encode(List<Queued> batch) throws JsonProcessingException {
            List<MessageBatch.Item> items = new ArrayList<>(batch.size());
            for (Queued q : batch) items.add(MessageBatch.Item.of(q.group(), q.envelope()));
            return json.writeValueAsBytes(new MessageBatch(items));
        }
    }
}
