package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The one HTTP client both targets share: JSON over HTTP/1.1 keep-alive, as a plain REST user would call. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    JsonNode post(String url, String json, String bearer) throws IOException, InterruptedException {
        return send(url, "POST", json, bearer);
    }

    JsonNode put(String url, String json, String bearer) throws IOException, InterruptedException {
        return send(url, "PUT", json, bearer);
    }

    private JsonNode send(String url, String method, String json, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException(r.statusCode() + " from " + url + ": " + abbreviate(r.body()));
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
