package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.net.URI;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The one HTTP client every target shares: HTTP/1.1 keep-alive, as a plain REST user would call. Blocking (Apache
 * HttpClient 5, classic): each closed-loop client thread writes its request and reads the answer itself, so the
 * client's own CPU per request, spent on the same cores as the systems it measures, stays small and alike for both.
 */
public final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    /* More than the most clients a cell runs (64) plus the counters' and set-up calls. */
    private static final int CONNECTIONS = 256;
    private final CloseableHttpClient client = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(2)).setSocketTimeout(Timeout.ofSeconds(60)).build())
                    .setMaxConnPerRoute(CONNECTIONS).setMaxConnTotal(CONNECTIONS).build())
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(60)).build())
            .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
            .disableAuthCaching().disableContentCompression()
            .build();

    JsonNode post(String url, String json, String bearer) throws IOException {
        return json(send(url, "POST", "application/json", json.getBytes(UTF_8), bearer));
    }

    JsonNode put(String url, String json, String bearer) throws IOException {
        return json(send(url, "PUT", "application/json", json.getBytes(UTF_8), bearer));
    }

    /** Any method and body ({@code body} null: none); the answer's body as text; anything but a 2xx is an exception. */
    public String send(String url, String method, String contentType, byte[] body, String bearer) throws IOException {
        HttpUriRequestBase req = new HttpUriRequestBase(method, URI.create(url));
        if (body != null) req.setEntity(new ByteArrayEntity(body, contentType == null ? null : ContentType.parse(contentType)));
        if (bearer != null) req.setHeader("Authorization", "Bearer " + bearer);
        return client.execute(req, r -> {
            String text = r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), UTF_8);
            if (r.getCode() / 100 != 2) throw new IOException(r.getCode() + " from " + url + ": " + abbreviate(text));
            return text;
        });
    }

    String get(String url) throws IOException {
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
