package dsys.time.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.time.TimeServiceApplication;
import dsys.time.ntp.server.NtpUdpServer;
import dsys.testing.TestNodes;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Three time-service instances in this JVM on loopback (HTTP between them, NTP on ephemeral UDP ports). */
final class LiveTimeCluster implements AutoCloseable {

    static final String TOKEN = TestNodes.ADMIN_TOKEN;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int[] ports = new int[3];
    final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    LiveTimeCluster(Path data) throws Exception {
        Map<String, Integer> group = TestNodes.ports("time", 3);
        for (int i = 0; i < 3; i++) ports[i] = group.get("time-" + (i + 1));
        // One after the other: Spring Boot's logging setup is not safe to run from parallel starts in one JVM.
        for (String node : group.keySet()) {
            nodes.add(new SpringApplicationBuilder(TimeServiceApplication.class)
                    .run(TestNodes.arguments(node, group, data, "dsys.time.ntp.port=0")));
        }
    }

    int ntpPort(int node) {
        return nodes.get(node).getBean(NtpUdpServer.class).port();
    }

    HttpResponse<String> call(int node, String method, String path, String body, boolean admin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[node] + path))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (admin) b.header("Authorization", "Bearer " + TOKEN);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(int node, String method, String path, String body, boolean admin) throws Exception {
        HttpResponse<String> r = call(node, method, path, body, admin);
        if (r.statusCode() != 200) throw new AssertionError(method + " " + path + " → " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        nodes.forEach(ConfigurableApplicationContext::close);
    }
}
