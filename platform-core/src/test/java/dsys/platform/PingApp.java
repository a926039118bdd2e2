package dsys.platform;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import dsys.platform.host.Delays;
import dsys.platform.web.ProblemException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A test-only service: "ping" asks every peer for a pong and answers how many came back. */
@SpringBootApplication
public class PingApp {

    public record Ping(long round) implements Message { }
    public record Pong(long round) implements Message { }
    public record PingAll() { }
    public record PingTimeout(long round) { }
    public record PingResult(int pongs, long round, long lamport) { }
    /** Sends {@code n} numbered messages to the peer in one step; the peer answers with what it saw. */
    public record Burst(int n) { }
    public record Numbered(int i, int of) implements Message { }
    public record BurstSeen(int received, boolean inOrder) implements Message { }
    /** Sends {@code count} blobs of {@code bytes} characters to every peer and answers at once. */
    public record SendBlobs(int count, int bytes) { }
    public record Blob(int i, String data) implements Message { }
    public record BlobsSeen() { }
    /** Asks a peer to ask its "echo" core (another core of its node) to ping, and to say how many pongs it got. */
    public record Relay() { }
    public record RelayAsk() implements Message { }
    public record RelayDone(String answer) implements Message { }
    /** The echo core's answer, handed back to the ping core that asked (by the adapter's hook). */
    public record Relayed(NodeId asker, Object answer) { }

    /** Counts rounds in durable storage so a restart resumes the count. */
    static final class PingCore implements Core {
        private final Env env;
        private RequestId burst;
        private int seen;
        private boolean inOrder = true;
        private final Map<Long, RequestId> waiting = new HashMap<>();
        private final Map<Long, Integer> pongs = new HashMap<>();
        private final List<Integer> blobs = new ArrayList<>();
        /** Hands a peer's {@link RelayAsk} to the node's echo core, off the core (the adapter's); null: none. */
        private final java.util.function.Consumer<NodeId> relay;
        private RequestId relaying;

        PingCore(Env env) {
            this(env, null);
        }

        PingCore(Env env, java.util.function.Consumer<NodeId> relay) {
            this.env = env;
            this.relay = relay;
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            if (body instanceof SendBlobs b) {
                env.members().others(env.self()).forEach(p -> {
                    for (int i = 0; i < b.count(); i++) env.send(p, new Blob(i, "x".repeat(b.bytes())));
                });
                env.reply(request, Map.of("sent", b.count()));
                return;
            }
            if (body instanceof Relay) {
                relaying = request;
                env.send(env.members().others(env.self()).iterator().next(), new RelayAsk());
                return;
            }
            if (body instanceof Relayed r) {
                env.send(r.asker(), new RelayDone(String.valueOf(r.answer())));
                return;
            }
            if (body instanceof BlobsSeen) {
                env.reply(request, List.copyOf(blobs));
                return;
            }
            if (body instanceof Burst b) {
                burst = request;
                env.members().others(env.self()).forEach(p -> {
                    for (int i = 0; i < b.n(); i++) env.send(p, new Numbered(i, b.n()));
                });
                return;
            }
            long round = Long.parseLong(env.storage().get("round").orElse("0")) + 1;
            env.storage().put("round", Long.toString(round));
            waiting.put(round, request);
            pongs.put(round, 0);
            env.emit("ping.start", Map.of("round", round));
            env.members().others(env.self()).forEach(p -> env.send(p, new Ping(round)));
            env.after(Duration.ofSeconds(2), new PingTimeout(round));
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            if (m instanceof Ping p) env.send(from, new Pong(p.round()));
            if (m instanceof RelayAsk && relay != null) relay.accept(from);
            if (m instanceof RelayDone d && relaying != null) {
                env.reply(relaying, Map.of("answer", d.answer()));
                relaying = null;
            }
            if (m instanceof Blob b) blobs.add(b.i());
            if (m instanceof Numbered x) {
                inOrder &= x.i() == seen++;
                if (x.i() == x.of() - 1) {
                    env.send(from, new BurstSeen(seen, inOrder));
                    seen = 0;
                    inOrder = true;
                }
            }
            if (m instanceof BurstSeen b && burst != null) env.reply(burst, b);
            if (m instanceof Pong p && waiting.containsKey(p.round())) { // a late pong after the timeout is ignored
                int n = pongs.merge(p.round(), 1, Integer::sum);
                if (n == env.members().size() - 1) {
                    env.reply(waiting.remove(p.round()), new PingResult(n, p.round(), env.logical().lamport()));
                }
            }
        }

        @Override
        public void onTimer(Object timer) {
            if (timer instanceof PingTimeout t && waiting.containsKey(t.round())) {
                env.reply(waiting.remove(t.round()), Rejection.unavailable("only " + pongs.get(t.round()) + " pongs in round " + t.round()));
            }
        }
    }

    /** What the node's spans would be reported as (tracing tests). */
    @Bean
    FinishedSpans finishedSpans() {
        return new FinishedSpans();
    }

    /** Marks every answer written in Spring's async dispatch, so a test can tell it from one on the request thread. */
    @Bean
    FilterRegistrationBean<Filter> asyncDispatchMarker() {
        FilterRegistrationBean<Filter> r = new FilterRegistrationBean<>((req, res, chain) -> {
            ((HttpServletResponse) res).setHeader(ASYNC_DISPATCH, "true");
            chain.doFilter(req, res);
        });
        r.setDispatcherTypes(DispatcherType.ASYNC);
        return r;
    }

    static final String ASYNC_DISPATCH = "X-Test-Async-Dispatch";

    /**
     * The "ping" core and, beside it in the same node, an "echo" core (not a bean) that a {@link RelayAsk} is handed
     * to, as a kv participant hands its locks to the keyspace's core.
     */
    @Bean
    CoreHost pingHost(CoreHosts hosts) {
        CoreHost echo = hosts.start("echo", PingCore::new);
        java.util.concurrent.atomic.AtomicReference<CoreHost> ping = new java.util.concurrent.atomic.AtomicReference<>();
        ping.set(hosts.start("ping", env -> new PingCore(env, asker -> echo.callAsync(new PingAll(), Duration.ofSeconds(5))
                .whenComplete((answer, failed) -> ping.get().tell(new Relayed(asker, failed == null ? answer : failed.toString()))))));
        return ping.get();
    }

    @RestController
    static class PingController {
        private final CoreHost host;

        PingController(CoreHost host) {
            this.host = host;
        }

        @PostMapping("/test/ping")
        Object ping() {
            return host.call(new PingAll(), Duration.ofSeconds(5));
        }

        @PostMapping("/test/relay")
        Object relay() {
            return host.call(new Relay(), Duration.ofSeconds(5));
        }

        @PostMapping("/test/blobs")
        Object sendBlobs(@RequestParam int count, @RequestParam int bytes) {
            return host.call(new SendBlobs(count, bytes), Duration.ofSeconds(5));
        }

        @GetMapping("/test/blobs")
        Object blobsSeen() {
            return host.call(new BlobsSeen(), Duration.ofSeconds(5));
        }

        @PostMapping("/test/burst")
        Object burst() {
            return host.call(new Burst(2000), Duration.ofSeconds(20));
        }

        /** Answers after {@code ms} (0: already complete), or fails with a 409 problem when {@code fail}. */
        @GetMapping("/test/later/{ms}")
        CompletableFuture<Map<String, Object>> later(@PathVariable long ms, @RequestParam(defaultValue = "false") boolean fail) {
            CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
            Runnable answer = () -> {
                if (fail) f.completeExceptionally(new ProblemException(409, "late", "Conflict", "failed after " + ms + " ms"));
                else f.complete(Map.of("after", ms));
            };
            if (ms == 0) answer.run();
            else Delays.run(ms, answer); // no thread started per answer
            return f;
        }

        /**
         * The same as a {@code ResponseEntity} with a status and a header of its own, as kv's reads and writes answer;
         * {@code empty}: a 304 without a body, as kv answers a matching If-None-Match.
         */
        @GetMapping("/test/later-entity/{ms}")
        CompletableFuture<ResponseEntity<Map<String, Object>>> laterEntity(@PathVariable long ms,
                @RequestParam(defaultValue = "false") boolean fail, @RequestParam(defaultValue = "false") boolean empty) {
            return later(ms, fail).thenApply(b -> empty
                    ? ResponseEntity.status(304).eTag("\"" + ms + "\"").<Map<String, Object>>build()
                    : ResponseEntity.status(201).eTag("\"" + ms + "\"").body(b));
        }
    }
}
