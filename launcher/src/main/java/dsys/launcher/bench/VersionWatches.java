package dsys.launcher.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One watch stream ({@code GET .../watch}, server-sent events) per kv node on one key: when each node's event for
 * each version arrived (push). A node's watch tells what that node has learned, so "seen at every node" is the
 * version visible at every replica.
 */
final class VersionWatches implements AutoCloseable {

    private final Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>(); // version → node → nanoTime
    private final List<java.util.stream.Stream<String>> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong events = new AtomicLong();

    VersionWatches(HttpClient client, List<String> nodes, String keyspace, String key) {
        for (String n : nodes) {
            client.sendAsync(HttpRequest.newBuilder(URI.create(n + "/api/kv/" + keyspace + "/" + key + "/watch"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
                bodies.add(r.body());
                r.body().forEach(line -> {
                    if (!line.startsWith("id:")) return;
                    events.incrementAndGet();
                    seen.computeIfAbsent(line.substring(3).strip(), v -> new ConcurrentHashMap<>()).putIfAbsent(n, System.nanoTime());
                });
            });
        }
    }

    /** When each node's event for {@code version} came (nanoTime), once every node's has, or null after {@code waitMs}. */
    Map<String, Long> awaitAll(String version, int nodes, long waitMs) throws InterruptedException {
        long end = System.nanoTime() + waitMs * 1_000_000;
        while (System.nanoTime() < end) {
            Map<String, Long> at = seen.get(version);
            if (at != null && at.size() == nodes) return at;
            Thread.sleep(1);
        }
        return null;
    }

    long events() {
        return events.get();
    }

    @Override
    public void close() {
        bodies.forEach(java.util.stream.Stream::close); // ends each stream's reader
    }
}
