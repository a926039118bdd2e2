package dsys.launcher.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dsys.launcher.verify.Gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A demo's only way into the platform: calls through the gateway (the verify runner's {@link Gateway} client), with
 * the answer parsed as JSON when it is JSON. Nothing here throws for an HTTP status: a demo narrates what came back.
 */
final class Api {

    /** Long enough for a lock acquire that waits its whole {@code waitMs} (at most 30 s) behind the gateway. */
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    /** An answer: {@code json} is a missing node when the body is not JSON (a kv value, an empty body). */
    record Answer(int status, JsonNode json, String text, Gateway.Reply reply) {

        boolean ok() {
            return status / 100 == 2;
        }

        /** The problem+json type's last segment ("quorum-unavailable"), or null. */
        String problem() {
            return reply.problem();
        }

        String detail() {
            return reply.detail();
        }

        String header(String name) {
            return reply.header(name);
        }

        /** "200", "503 quorum-unavailable", or what went wrong on the way ("connection refused"). */
        String brief() {
            if (status == 0) return reply.error();
            String p = problem();
            return status + (p == null ? "" : " " + p);
        }

        String field(String name) {
            JsonNode v = json.path(name);
            return v.isMissingNode() || v.isNull() ? null : v.asText();
        }
    }

    private final Gateway gateway;

    Api(String base, String token) {
        this.gateway = new Gateway(base, token);
    }

    Answer get(String path, String... headers) {
        return call("GET", path, null, headers);
    }

    Answer post(String path, Object body, String... headers) {
        return call("POST", path, json(body), with(headers, "Content-Type", "application/json"));
    }

    Answer putText(String path, String text, String... headers) {
        return call("PUT", path, text, with(headers, "Content-Type", "text/plain"));
    }

    Answer delete(String path, String... headers) {
        return call("DELETE", path, null, headers);
    }

    /** An admin route ({@code Authorization: Bearer} the platform's token); {@code body} null sends none. */
    Answer admin(String method, String path, Object body) {
        return answer(gateway.admin(method, path, body == null ? null : json(body)));
    }

    private Answer call(String method, String path, String body, String... headers) {
        return answer(gateway.send(method, path, body, TIMEOUT, headers));
    }

    private static Answer answer(Gateway.Reply r) {
        JsonNode json = MissingNode.getInstance();
        if (r.body() != null && !r.body().isBlank()) {
            try {
                json = Gateway.JSON.readTree(r.body());
            } catch (IOException e) {
                json = MissingNode.getInstance(); // a value as stored, not JSON
            }
        }
        return new Answer(r.status(), json == null ? MissingNode.getInstance() : json, r.body(), r);
    }

    static String json(Object body) {
        try {
            return Gateway.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable: " + body, e);
        }
    }

    private static String[] with(String[] headers, String name, String value) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.add(name);
        all.add(value);
        return all.toArray(String[]::new);
    }

    /** What the gateway says of a node's health now ({@code /api/console/topology}): UP, DOWN, UNREACHABLE, or null. */
    String health(String node) {
        for (JsonNode i : get("/api/console/topology").json().path("instances")) {
            if (node.equals(i.path("node").asText())) return i.path("health").asText();
        }
        return null;
    }

    /** Waits until the gateway sees the node UP (or, {@code up} false, not UP); false after {@code timeout}. */
    boolean awaitHealth(String node, boolean up, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if ("UP".equals(health(node)) == up) return true;
            Thread.sleep(200);
        }
        return false;
    }
}
