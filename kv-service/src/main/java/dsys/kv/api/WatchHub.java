package dsys.kv.api;

import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.ChosenListener;
import dsys.kv.quorum.Versioned;
import dsys.platform.web.ProblemException;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's watchers ({@code GET /{keyspace}/{key}/watch}): each is an SSE stream of the key's chosen versions as
 * this node learns them ({@link ChosenListener}: its replica's commits and anti-entropy, its coordinator's
 * writes), newer ones only, so a version learned twice or out of order is sent once. The cores tell this hub
 * inside their serial section; sending is I/O, so it happens on the hub's own thread, and a key nobody watches
 * costs a map lookup. The number of watchers per node is bounded ({@code dsys.kv.max-watchers}; more: 503).
 */
public final class WatchHub implements AutoCloseable {

    /** One SSE event's data: the version, and the value (text, or base64 for other bodies) or that it was deleted. */
    public record Change(String key, String version, boolean deleted, String contentType, String value, String valueBase64) {
        static Change of(String key, Versioned c) {
            if (!c.present()) return new Change(key, c.version().toString(), true, null, null, null);
            StoredValue v = StoredValue.decode(c.value());
            String text = StoredValue.text(c.value());
            return new Change(key, c.version().toString(), false, v.contentType(), text,
                    text == null ? Base64.getEncoder().encodeToString(v.body()) : null);
        }
    }

    final class Watcher {
        final String id;
        final SseEmitter emitter;
        private Ballot last;

        Watcher(String id, SseEmitter emitter, Ballot since) {
            this.id = id;
            this.emitter = emitter;
            this.last = since;
        }

        /** Sends {@code c} if it is newer than what this watcher has; false when the stream is gone. */
        synchronized void offer(String key, Versioned c) {
            if (!c.version().isAfter(last)) return;
            last = c.version();
            try {
                emitter.send(SseEmitter.event().id(c.version().toString()).name("version")
                        .data(Change.of(key, c), MediaType.APPLICATION_JSON));
            } catch (IOException | IllegalStateException gone) {
                emitter.completeWithError(gone);
            }
        }
    }

    private final int max;
    private final long timeoutMs;
    private final AtomicInteger count = new AtomicInteger();
    private final Map<String, Set<Watcher>> byKey = new ConcurrentHashMap<>();
    /* one sender; a burst beyond the queue is dropped rather than stalling a core (a watcher then resumes by id) */
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
        Thread t = new Thread(r, "dsys-kv-watch");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.DiscardPolicy());

    WatchHub(int max, long timeoutMs) {
        this.max = max;
        this.timeoutMs = timeoutMs;
    }

    /** The listener of keyspace {@code keyspace}'s core on this node. */
    ChosenListener listener(String keyspace) {
        return (key, content) -> {
            Set<Watcher> ws = byKey.get(keyspace + "/" + key);
            if (ws != null && !ws.isEmpty()) sender.execute(() -> ws.forEach(w -> w.offer(key, content)));
        };
    }

    /** A new watcher of the key, given versions after {@code since} (ZERO: any); 503 when the node has {@code max}. */
    Watcher open(String keyspace, String key, Ballot since) {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            throw new ProblemException(503, "too-many-watchers", "Too many watchers", "this node serves at most "
                    + max + " watches at once; retry later or watch through another node");
        }
        String k = keyspace + "/" + key;
        Watcher w = new Watcher(k, new SseEmitter(timeoutMs), since);
        byKey.computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(w);
        Runnable remove = () -> {
            Set<Watcher> ws = byKey.get(k);
            if (ws != null && ws.remove(w)) count.decrementAndGet();
            byKey.computeIfPresent(k, (x, s) -> s.isEmpty() ? null : s);
        };
        w.emitter.onCompletion(remove);
        w.emitter.onTimeout(remove);
        w.emitter.onError(t -> remove.run());
        return w;
    }

    /** The current value, sent first when it is newer than the watcher's {@code since}; on the sender thread. */
    void current(Watcher w, String key, Versioned c) {
        sender.execute(() -> w.offer(key, c));
    }

    int watchers() {
        return count.get();
    }

    @Override
    public void close() {
        sender.shutdownNow();
        byKey.values().forEach(ws -> ws.forEach(w -> w.emitter.complete()));
    }
}
