package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The one HTTP client every target shares: HTTP/1.1 keep-alive, as a plain REST user would call. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    JsonNode post(String url, String json, String bearer) throws IOException, InterruptedException {
        return json(send(url, "POST", "application/json", json.getBytes(UTF_8), bearer));
    }

    JsonNode put(String url, String json, String bearer) throws IOException, InterruptedException {
        return json(send(url, "PUT", "application/json", json.getBytes(UTF_8), bearer));
    }

    /** Any method and body ({@code body} null: none); the answer's body as text; anything but a 2xx is an exception. */
    String send(String url, String method, String contentType, byte[] body, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException(r.statusCode() + " from " + url + ": " + abbreviate(r.body()));
        return r.body();
    }

    String get(String url) throws IOException, InterruptedException {
        return send(url, "GET", null, null, null);
    }

    private static JsonNode json(String body) throws IOException {
        return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
    }

    /**
     * The sum over every series of counter {@code name} in a Prometheus text exposition (all label sets: a
     * Micrometer counter of several storages, a histogram's {@code _count}).
     */
    static double metric(String exposition, String name) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name)) continue;
            int end = name.length();
            if (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') continue; // a longer name
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
