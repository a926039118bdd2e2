package dsys.platform.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.platform.web.ProblemException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Every algorithm step of every service, read from Kafka (any service instance can answer). Without Kafka
 * (tests, {@code dsys.kafka.enabled=false}) it serves this node's own recent events.
 */
@RestController
@RequestMapping("/api/events")
public class EventsController {

    private static final int MAX_STREAMS = 16;

    private final EventPublisher publisher;
    private final EventReader reader;
    private final ObjectMapper json;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final ExecutorService followers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dsys-events-follow");
        t.setDaemon(true);
        return t;
    });

    public EventsController(EventPublisher publisher, ObjectProvider<EventReader> reader, ObjectMapper json) {
        this.publisher = publisher;
        this.reader = reader.getIfAvailable();
        this.json = json;
    }

    @GetMapping
    public Map<String, Object> events(@RequestParam(required = false) String service,
                                      @RequestParam(required = false) String kind,
                                      @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 5000) throw ProblemException.badRequest("limit must be within 1..5000, was " + limit);
        Predicate<JsonNode> filter = filter(service, kind);
        List<?> events;
        String source;
        if (reader != null) {
            try {
                events = reader.tail(limit, filter);
                source = "kafka";
            } catch (RuntimeException e) {
                throw new ProblemException(503, "events-unavailable", "Events unavailable",
                        "cannot read topic dsys.events from Kafka: " + e.getMessage());
            }
        } else {
            events = publisher.recent(5000).stream().map(e -> (JsonNode) json.valueToTree(e)).filter(filter)
                    .toList();
            events = events.subList(Math.max(0, events.size() - limit), events.size());
            source = "local";
        }
        return Map.of("source", source, "count", events.size(), "events", events);
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@RequestParam(required = false) String service, @RequestParam(required = false) String kind) {
        if (reader == null) {
            throw new ProblemException(503, "events-unavailable", "Events unavailable", "Kafka is disabled on this instance (dsys.kafka.enabled=false)");
        }
        if (!streams.tryAcquire()) {
            throw new ProblemException(503, "too-many-streams", "Too many streams", "at most " + MAX_STREAMS + " event streams per instance");
        }
        SseEmitter emitter = new SseEmitter(30 * 60_000L);
        AtomicBoolean open = new AtomicBoolean(true);
        emitter.onCompletion(() -> open.set(false));
        emitter.onTimeout(() -> open.set(false));
        emitter.onError(t -> open.set(false));
        followers.execute(() -> {
            try {
                reader.follow(filter(service, kind), n -> {
                    try {
                        emitter.send(SseEmitter.event().name("event").data(n, MediaType.APPLICATION_JSON));
                    } catch (IOException e) {
                        open.set(false);
                    }
                }, open::get);
                emitter.complete();
            } catch (RuntimeException e) {
                emitter.completeWithError(e);
            } finally {
                streams.release();
            }
        });
        return emitter;
    }

    private static Predicate<JsonNode> filter(String service, String kind) {
        return n -> (service == null || service.equals(n.path("service").asText()))
                && (kind == null || n.path("kind").asText().startsWith(kind));
    }
}
