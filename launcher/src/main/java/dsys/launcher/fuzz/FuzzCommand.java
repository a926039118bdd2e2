package dsys.launcher.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.launcher.Options;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * {@code fuzz}: every public route of every service, found in the OpenAPI documents the gateway serves, called
 * through the gateway with hostile inputs ({@link Inputs}): odd path segments, malformed, oversized and wrongly
 * typed bodies, wrong content types, huge headers; with and without the admin token. A 5xx anywhere, or a node that
 * no longer answers afterwards, fails it. Prints the counts by status.
 */
public final class FuzzCommand {

    private static final List<String> SERVICES = List.of("time-service", "lock-service", "kv-service", "txn-coordinator");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String gateway;
    private final String token;
    private final Map<Integer, Integer> byStatus = new TreeMap<>();
    private final List<String> serverErrors = new ArrayList<>();
    private int sent;

    private FuzzCommand(String gateway, String token) {
        this.gateway = gateway;
        this.token = token;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = Options.parse(args);
        FuzzCommand f = new FuzzCommand(o.getOrDefault("gateway", "http://127.0.0.1:8080"), o.get("token"));
        return f.fuzz(out, err);
    }

    private int fuzz(PrintStream out, PrintStream err) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Route> routes = new ArrayList<>();
        for (String s : SERVICES) routes.addAll(Route.from(s, json.readTree(get("/v3/api-docs/" + s))));
        routes.addAll(Route.from("gateway", json.readTree(get("/v3/gateway-api-docs"))));
        out.printf("fuzz: %d routes from the OpenAPI documents at %s%n", routes.size(), gateway);
        int done = 0;
        for (Route r : routes) {
            int before = sent, errorsBefore = serverErrors.size();
            for (String segment : r.path().contains("{") ? Inputs.SEGMENTS : List.<String>of()) {
                String path = r.path().replaceAll("\\{[^}]+}", Matcher.quoteReplacement(segment));
                send(r, path, r.hasBody() ? "application/json" : null, r.hasBody() ? "{}".getBytes() : null, false,
                        "segment " + abbreviate(segment));
            }
            String path = r.path().replaceAll("\\{[^}]+}", "fuzz");
            if (r.hasBody() || !r.method().equals("GET")) {
                for (Inputs.Body b : Inputs.bodies(r.bodyFields())) {
                    send(r, path, b.contentType(), b.bytes(), false, b.name());
                    if (token != null) send(r, path, b.contentType(), b.bytes(), true, b.name() + " (admin)");
                }
            }
            send(r, path, null, null, false, "huge header");
            out.printf("[%d/%d] %s %s %s: %d requests, %d 5xx%n", ++done, routes.size(), r.service(), r.method(), r.path(),
                    sent - before, serverErrors.size() - errorsBefore);
        }
        out.println("fuzz: " + sent + " requests; by status: " + byStatus);
        serverErrors.forEach(e -> out.println("fuzz: 5xx " + e));
        List<String> dead = deadNodes();
        dead.forEach(n -> out.println("fuzz: no answer from " + n + " afterwards"));
        return serverErrors.isEmpty() && dead.isEmpty() ? 0 : 1;
    }

    private void send(Route r, String path, String contentType, byte[] body, boolean admin, String what) {
        boolean stream = r.path().endsWith("/stream") || r.path().endsWith("/watch");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(stream ? 3 : 30));
        if (what.equals("huge header")) b.header("X-Fuzz", "h".repeat(64 << 10));
        if (contentType != null) b.header("Content-Type", contentType);
        // Java's client stops reading when the server answers before the body is sent (a 413 before the body is
        // read, as it should be) and reports a cut connection; with 100-continue it waits for that answer first.
        if (body != null && body.length > (1 << 20)) b.expectContinue(true);
        if (admin) b.header("Authorization", "Bearer " + token);
        b.method(r.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        int status;
        String answer;
        try {
            // The body is read only to report a server error: an event stream's never ends.
            HttpResponse<InputStream> res = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = res.statusCode();
            try (InputStream in = res.body()) {
                answer = status >= 500 ? new String(in.readNBytes(8192), StandardCharsets.UTF_8) : "";
            }
        } catch (IllegalArgumentException e) {
            return; // the client itself refuses to send it (an illegal URI): nothing reached the platform
        } catch (HttpTimeoutException e) {
            if (stream) return; // an event stream that has nothing to say yet
            status = 599;
            answer = e.toString();
        } catch (IOException e) {
            status = 599; // the connection was cut or timed out: as bad as a 500
            answer = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sent++;
        byStatus.merge(status, 1, Integer::sum);
        if (status >= 500 && status != 503) {
            serverErrors.add(r.method() + " " + abbreviate(path) + " [" + what + "] → " + status + " " + abbreviate(answer));
        }
    }

    /** Nodes that do not answer their info route, pinned through the gateway. */
    private List<String> deadNodes() {
        List<String> dead = new ArrayList<>();
        Map<String, String> nodes = Map.of("time", "time-1,time-2,time-3", "locks", "lock-1,lock-2,lock-3",
                "kv", "kv-1,kv-2,kv-3", "txn", "txn-1");
        nodes.forEach((api, ids) -> {
            for (String n : ids.split(",")) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/" + api + "/node"))
                            .header("X-Dsys-Node", n).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) dead.add(n + " (" + r.statusCode() + ")");
                } catch (IOException e) {
                    dead.add(n + " (" + e + ")");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return dead;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(path + " answered " + r.statusCode());
        return r.body();
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 120 ? one.substring(0, 120) + "…" : one;
    }
}
