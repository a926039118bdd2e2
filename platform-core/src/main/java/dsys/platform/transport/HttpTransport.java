package dsys.platform.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.fault.Delivery;
import dsys.core.message.Envelope;
import dsys.core.transport.Transport;
import dsys.platform.host.NodeRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Envelopes as HTTP POSTs to {@code /internal/messages/{group}} on the peer, fire and forget, with the logical
 * clocks in headers. The sender applies the faults in force (drop, delay, duplicate, partition) before sending,
 * which is the interceptor the notes describe; the receiver checks partitions again.
 */
public class HttpTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);

    private final NodeRuntime node;
    private final PeerDirectory peers;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Duration timeout;
    private final HttpClient client;
    private final SplittableRandom random = new SplittableRandom();
    /*
     * Blocking sends on a small fixed pool rather than sendAsync: on a 2-core machine the common ForkJoinPool has
     * parallelism 1, and sendAsync then completes every response on a brand-new thread (measured: thread creation
     * was the top CPU sample under load). A full queue drops the message, like a full network buffer.
     */
    private final ThreadPoolExecutor senders = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
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
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
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
        for (int i = 0; i < d.copies(); i++) {
            if (d.delayMs() > 0) delayer.schedule(() -> post(group, e), d.delayMs(), TimeUnit.MILLISECONDS);
            else post(group, e);
        }
    }

    private void post(String group, Envelope e) {
        var base = peers.baseUrl(e.to());
        if (base.isEmpty()) {
            count("dropped", e, "unknown-peer");
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(e.payload());
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("message " + e.type() + " is not serialisable: " + ex.getOriginalMessage(), ex);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(base.get() + "/internal/messages/" + group))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(ClockHeaders.FROM, e.from().value())
                .header(ClockHeaders.MESSAGE_ID, e.id())
                .header(ClockHeaders.MESSAGE_CLASS, e.payload().getClass().getName())
                .header(ClockHeaders.LAMPORT, Long.toString(e.lamport()))
                .header(ClockHeaders.VECTOR, ClockHeaders.encode(e.vector()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            senders.execute(() -> {
                try {
                    HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
                    count(r.statusCode() >= 300 ? "dropped" : "sent", e, r.statusCode() >= 300 ? "status-" + r.statusCode() : "");
                } catch (IOException ex) {
                    count("dropped", e, "unreachable");
                    log.debug("message {} to {} failed: {}", e.id(), e.to(), ex.toString());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException full) {
            count("dropped", e, "send-queue-full");
        }
    }

    private void count(String outcome, Envelope e, String reason) {
        metrics.counter("dsys.messages." + outcome, "type", e.type(), "reason", reason).increment();
    }
}
