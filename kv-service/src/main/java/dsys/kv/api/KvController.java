package dsys.kv.api;

import dsys.kv.eventual.Guarantee;
import dsys.kv.eventual.Session;
import dsys.kv.eventual.SessionRequest;
import dsys.kv.mode.Modes;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;
import dsys.platform.web.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * /api/kv/{keyspace}/{key}: thin — turns HTTP (body and content type, ETag, If-Match, If-None-Match, ?read=) into
 * the core's requests and its answers back; the core's rejections arrive as problem+json with their status
 * (400, 412, 413, 503 quorum-unavailable, 504 outcome-unknown). Session guarantees: X-Dsys-Session and
 * X-Dsys-Guarantees in, the merged token out ({@link SessionTokens}); the core decides. A key is one path segment ({@link Keys}); keys,
 * bodies and preconditions are checked before anything is sent, so a refused request changes nothing.
 */
@RestController
@RequestMapping("/api/kv")
public class KvController {

    /** What a write answers: the new version (also the ETag) and the operation's messages by type. */
    public record WrittenBody(String key, String version, boolean deleted, Map<String, Integer> messages) {
        static WrittenBody of(KvReplies.Written w) {
            return new WrittenBody(w.key(), w.version().toString(), w.deleted(), w.messages());
        }
    }

    private final KvHost host;
    private final KvMetrics metrics;
    private final WatchHub watches;
    private final HeapGuard heap;
    private final LockResolver locks;

    public KvController(KvHost host, KvMetrics metrics, WatchHub watches, HeapGuard heap,
                        org.springframework.beans.factory.ObjectProvider<LockResolver> locks) {
        this.locks = locks.getIfAvailable(() -> LockResolver.NONE);
        this.host = host;
        this.metrics = metrics;
        this.watches = watches;
        this.heap = heap;
    }

    @PutMapping("/{keyspace}/{key}")
    public CompletableFuture<ResponseEntity<WrittenBody>> put(@PathVariable String keyspace, @PathVariable String key,
            @RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) String type,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(value = SessionTokens.SESSION, required = false) String token,
            @RequestHeader(value = SessionTokens.GUARANTEES, required = false) String guarantees,
            HttpServletRequest request) throws IOException {
        Keys.check(key, request.getRequestURI());
        Session session = SessionTokens.decode(token);
        Set<Guarantee> wanted = SessionTokens.guarantees(guarantees);
        // read as bytes here, not by @RequestBody: Spring would parse the Content-Type first and answer a wildcard 400
        byte[] body = request.getInputStream().readAllBytes();
        if (body.length == 0) throw ProblemException.badRequest("a PUT needs a body: the value to store (DELETE removes a key)");
        Values.check(type, body);
        String value = new StoredValue(type, body).encode();
        Ballot precondition = ETags.precondition(ifMatch, ifNoneMatch);
        String full = heap.fullReason();
        CompletableFuture<Void> room = full == null ? CompletableFuture.completedFuture(null)
                : host.holds(keyspace, key).thenAccept(held -> {
                    if (!held) throw new ProblemException(507, "kv-full", "Store full", full);
                });
        return room.thenCompose(x -> sessioned(keyspace, new KvRequests.Put(key, value, precondition), session, wanted))
                .thenCompose(core -> metrics.timed(keyspace, precondition == null ? "put" : "cas", "write",
                        resolving(keyspace, key, core, KvReplies.Written.class)))
                .thenApply(w -> written(w, session.sawWrite(keyspace, key, w.version())));
    }

    @DeleteMapping("/{keyspace}/{key}")
    public CompletableFuture<ResponseEntity<WrittenBody>> delete(@PathVariable String keyspace, @PathVariable String key,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = SessionTokens.SESSION, required = false) String token,
            @RequestHeader(value = SessionTokens.GUARANTEES, required = false) String guarantees,
            HttpServletRequest request) {
        Keys.check(key, request.getRequestURI());
        Session session = SessionTokens.decode(token);
        Set<Guarantee> wanted = SessionTokens.guarantees(guarantees);
        Ballot precondition = ETags.precondition(ifMatch, null);
        return sessioned(keyspace, new KvRequests.Delete(key, precondition), session, wanted)
                .thenCompose(core -> metrics.timed(keyspace, precondition == null ? "delete" : "cas", "write",
                        resolving(keyspace, key, core, KvReplies.Written.class)))
                .thenApply(w -> written(w, session.sawWrite(keyspace, key, w.version())));
    }

    /**
     * The core request under the session's guarantees: eventual replicas enforce them ({@link SessionRequest});
     * a linearizable mode meets all four anyway (every read returns the latest write), so it gets the plain request.
     */
    private CompletableFuture<Object> sessioned(String keyspace, Object request, Session session, Set<Guarantee> wanted) {
        if (wanted.isEmpty()) return CompletableFuture.completedFuture(request);
        return host.config(keyspace).thenApply(c -> {
            if (c.mode().equals("eventual")) return session.request(keyspace, request, wanted);
            Modes.Mode m = Modes.of(c.mode());
            if (m != null && m.model().equals("linearizable")) return request;
            throw ProblemException.badRequest("session guarantees are enforced on eventual keyspaces and hold anyway "
                    + "on linearizable ones; '" + keyspace + "' is " + c.mode() + ", which does not enforce them");
        });
    }

    /**
     * The call; once more if it met the lock of a transaction that has ended elsewhere and that lock was resolved. A
     * lock whose holder's outcome is not known here yet is asked again for up to {@value #LOCKED_PATIENCE_MS} ms (a
     * committed transaction's release may wait for its key's next lock, and its outcome reaches this node through the
     * decisions topic a few milliseconds after its client heard it), then it is the client's 409.
     */
    private <T> CompletableFuture<T> resolving(String keyspace, String key, Object request, Class<T> type) {
        return resolving(keyspace, key, request, type, System.nanoTime() + LOCKED_PATIENCE_MS * 1_000_000, 5);
    }

    private <T> CompletableFuture<T> resolving(String keyspace, String key, Object request, Class<T> type, long until, long delayMs) {
        return host.call(keyspace, request, type).handle((v, t) -> {
            if (t == null) return CompletableFuture.completedFuture(v);
            Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
            if (!(c instanceof ProblemException p && p.status() == 409)) return CompletableFuture.<T>failedFuture(c);
            return locks.resolve(keyspace, key, p).thenCompose(released -> {
                if (released) return host.call(keyspace, request, type);
                if (System.nanoTime() + delayMs * 1_000_000 > until) return CompletableFuture.<T>failedFuture(c);
                return dsys.platform.host.Delays.after(delayMs)
                        .thenCompose(x -> resolving(keyspace, key, request, type, until, Math.min(2 * delayMs, 80)));
            });
        }).thenCompose(f -> f);
    }

    /** How long a plain read or write waits for a lock whose holder's outcome is unknown here (above the 200 ms release delay). */
    private static final long LOCKED_PATIENCE_MS = 300;

    /**
     * A page of the keyspace's keys in order, merged from a read quorum of replicas (each key's newest version,
     * deleted keys left out): not a snapshot ({@link dsys.kv.quorum.KeyPage}).
     */
    @GetMapping("/{keyspace}")
    public CompletableFuture<ListingBody> list(@PathVariable String keyspace,
            @RequestParam(value = "prefix", required = false, defaultValue = "") String prefix,
            @RequestParam(value = "after", required = false) String after,
            @RequestParam(value = "limit", required = false, defaultValue = "" + KeyPage.Request.DEFAULT_LIMIT) int limit) {
        if (limit < 1 || limit > KeyPage.Request.MAX_LIMIT) {
            throw ProblemException.badRequest("limit must be within 1.." + KeyPage.Request.MAX_LIMIT + ", got " + limit);
        }
        if (prefix.length() > dsys.kv.quorum.QuorumStore.MAX_KEY_BYTES || after != null && after.length() > dsys.kv.quorum.QuorumStore.MAX_KEY_BYTES) {
            throw ProblemException.badRequest("prefix and after are at most " + dsys.kv.quorum.QuorumStore.MAX_KEY_BYTES + " characters");
        }
        return host.call(keyspace, new KeyPage.Request(prefix, after, limit), KeyPage.class)
                .thenApply(p -> ListingBody.of(keyspace, p));
    }

    /**
     * What every replica of the keyspace holds for the key, each as it answered within the deadline (no quorum,
     * no write-back, no repair): to see divergence.
     */
    @GetMapping("/{keyspace}/{key}/replicas")
    public CompletableFuture<ReplicasBody> replicas(@PathVariable String keyspace, @PathVariable String key,
            HttpServletRequest request) {
        Keys.check(key, request.getRequestURI());
        return host.call(keyspace, new KvRequests.Replicas(key), KvReplies.Replicas.class)
                .thenApply(r -> ReplicasBody.of(keyspace, r));
    }

    @GetMapping("/{keyspace}/{key}")
    public CompletableFuture<ResponseEntity<byte[]>> get(@PathVariable String keyspace, @PathVariable String key,
            @RequestParam(value = "read", required = false) String read,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestHeader(value = SessionTokens.SESSION, required = false) String token,
            @RequestHeader(value = SessionTokens.GUARANTEES, required = false) String guarantees,
            HttpServletRequest request) {
        Keys.check(key, request.getRequestURI());
        Session session = SessionTokens.decode(token);
        Set<Guarantee> wanted = SessionTokens.guarantees(guarantees);
        ReadLevel level;
        try {
            level = ReadLevel.parse(read);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(e.getMessage());
        }
        return sessioned(keyspace, new KvRequests.Get(key, level), session, wanted)
                .thenCompose(core -> metrics.timed(keyspace, "get", level.label(), resolving(keyspace, key, core,
                        KvReplies.Value.class))).thenApply(v -> {
            if (!v.found()) {
                throw new ProblemException(404, "no-such-key", "No such key", "'" + key + "' is not in keyspace '"
                        + keyspace + "'" + (v.version().zero() ? "" : " (deleted at version " + v.version() + ")"));
            }
            String next = SessionTokens.encode(session.sawRead(keyspace, key, v.version()));
            if (matches(ifNoneMatch, v.version())) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(ETags.of(v.version()))
                        .header(SessionTokens.SESSION, next).build();
            }
            StoredValue s = StoredValue.decode(v.value());
            return ResponseEntity.ok().eTag(ETags.of(v.version())).header(SessionTokens.SESSION, next)
                    .contentType(MediaType.parseMediaType(s.contentType()))
                    .header("X-Dsys-Read", v.level()).header("X-Dsys-Messages", Integer.toString(
                            v.messages().values().stream().mapToInt(Integer::intValue).sum())).body(s.body());
        });
    }

    /**
     * A stream (text/event-stream) of the key's chosen versions as this node learns them, SSE id = version. With
     * {@code Last-Event-ID} or {@code ?since=} (a version) only newer ones; the current value is sent first when
     * it is newer (a linearizable read right after the watch is registered, so nothing between is missed).
     */
    @GetMapping(value = "/{keyspace}/{key}/watch", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter watch(@PathVariable String keyspace, @PathVariable String key,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(value = "since", required = false) String since, HttpServletRequest request) {
        Keys.check(key, request.getRequestURI());
        String from = lastEventId != null && !lastEventId.isBlank() ? lastEventId : since;
        Ballot after;
        try {
            after = from == null || from.isBlank() ? Ballot.ZERO : Ballot.parse(from.strip());
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("Last-Event-ID and since must be a version such as 1712.kv-2, got '" + from + "'");
        }
        try {
            host.config(keyspace).join(); // 404 for an unknown keyspace before the stream starts
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        WatchHub.Watcher w = watches.open(keyspace, key, after);
        host.call(keyspace, new KvRequests.Get(key, ReadLevel.LINEARIZABLE), KvReplies.Value.class).whenComplete((v, t) -> {
            if (v != null && !v.version().zero()) watches.current(w, key, new Versioned(v.version(), v.value(), List.of()));
        });
        return w.emitter;
    }

    /**
     * This node's counters per keyspace it runs (the system keyspace's are the keyspace table's reads and
     * creations): messages by type, operations and what they cost, anti-entropy.
     */
    @GetMapping("/stats")
    public CompletableFuture<Map<String, QuorumStats.View>> stats() {
        return host.stats();
    }

    private static boolean matches(String ifNoneMatch, Ballot current) {
        if (ifNoneMatch == null) return false;
        if (ifNoneMatch.strip().equals("*")) return true;
        return Arrays.stream(ifNoneMatch.split(",")).map(ETags::parse).anyMatch(current::equals);
    }

    private static ResponseEntity<WrittenBody> written(KvReplies.Written w, Session session) {
        return ResponseEntity.ok().eTag(ETags.of(w.version())).header(SessionTokens.SESSION, SessionTokens.encode(session))
                .body(WrittenBody.of(w));
    }
}
