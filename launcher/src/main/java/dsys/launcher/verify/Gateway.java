package dsys.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * The clients' and the nemesis' HTTP (and the demos', {@code dsys.launcher.demo}): one keep-alive HTTP/1.1 client to
 * the gateway. A call never throws for
 * what the network did: it answers a {@link Reply} whose {@link Reply#certainlyNotApplied()} says whether the
 * request certainly had no effect (then a history records {@code fail}) or may have had one ({@code info}).
 */
public final class Gateway {

    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private final String token;

    public Gateway(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    /**
     * @param status 0 when no HTTP answer came
     * @param error  what went wrong when status is 0 (timeout, connection refused, reset)
     */
    public record Reply(int status, String body, Map<String, java.util.List<String>> headers, String error, boolean sent) {

        public boolean ok() {
            return status / 100 == 2;
        }

        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
            }
            return null;
        }

        /** The problem+json type's last segment ("quorum-unavailable"), or null. */
        public String problem() {
            try {
                JsonNode n = JSON.readTree(body);
                String t = n == null ? null : n.path("type").asText(null);
                return t == null ? null : t.substring(t.lastIndexOf('/') + 1);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        public String detail() {
            try {
                return JSON.readTree(body).path("detail").asText("");
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }

        /**
         * Only answers that say so count: the request never left (connection refused), the service decided
         * nothing was written (kv's 503 quorum-unavailable, a crashed node's 503), or the gateway never forwarded it
         * (breaker open, no instance, pinned node not registered, refused connection). A timeout, a reset, a 504 or any
         * other 5xx may have taken effect.
         */
        public boolean certainlyNotApplied() {
            if (status == 0) return !sent;
            if (status / 100 == 4) return true;
            if (status != 503) return false;
            String p = problem();
            if (p == null) return false;
            String d = detail();
            boolean refused = d.contains("ConnectException") || d.contains("Connection refused");
            return switch (p) {
                // session-guarantee-unavailable: the replica refused before serving (it lacked a version the session saw).
                case "quorum-unavailable", "node-crashed", "session-guarantee-unavailable" -> true;
                // The gateway answers a node that broke off after the request went out with a 504 outcome-unknown;
                // the oracle does not rely on that: only "not registered" and a refused connection are certain.
                case "node-unavailable" -> d.startsWith("No ") || refused;
                case "service-unavailable" -> d.contains("circuit breaker is open") || d.contains("no instance is registered") || refused;
                default -> false;
            };
        }

        /** For the history's {@code error}: status, problem type and the start of the detail. */
        public String describe() {
            if (status == 0) return error;
            String p = problem(), d = detail();
            return status + (p == null ? "" : " " + p) + (d.isEmpty() ? "" : ": " + (d.length() > 160 ? d.substring(0, 160) + "…" : d));
        }
    }

    public Reply send(String method, String path, String body, Duration timeout, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] != null) b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers().map(), null, true);
        } catch (HttpTimeoutException e) {
            // HttpConnectTimeoutException is one too: then nothing was sent.
            boolean sent = !(e instanceof java.net.http.HttpConnectTimeoutException);
            return new Reply(0, "", Map.of(), "timeout after " + timeout.toMillis() + " ms", sent);
        } catch (ConnectException e) {
            return new Reply(0, "", Map.of(), "connection refused", false);
        } catch (IOException e) {
            return new Reply(0, "", Map.of(), e.getClass().getSimpleName() + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, "", Map.of(), "interrupted", true);
        }
    }

    /** Admin call (chaos); the nemesis needs the answer only to report it. */
    public Reply admin(String method, String path, String json) {
        return send(method, path, json, Duration.ofSeconds(15), "Authorization", "Bearer " + token,
                "Content-Type", json == null ? null : "application/json");
    }
}
