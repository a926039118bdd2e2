package dsys.time.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.time.TimeServiceApplication;
import dsys.time.ntp.server.NtpUdpServer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Three time-service instances in this JVM on loopback (HTTP between them, NTP on ephemeral UDP ports). */
final class LiveTimeCluster implements AutoCloseable {

    static final String TOKEN = "test-token";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int[] ports = new int[3];
    final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    LiveTimeCluster(Path data) throws Exception {
        for (int i = 0; i < 3; i++) ports[i] = freePort();
        // One after the other: Spring Boot's logging setup is not safe to run from parallel starts in one JVM.
        // Command-line arguments beat application.yml (builder properties would only be defaults).
        for (int i = 0; i < 3; i++) {
            nodes.add(new SpringApplicationBuilder(TimeServiceApplication.class).run(arguments(i, data)));
        }
    }

    private String[] arguments(int i, Path data) {
        List<String> p = new ArrayList<>(List.of(
                "server.port=" + ports[i],
                "dsys.node=time-" + (i + 1),
                "dsys.members=time-1,time-2,time-3",
                "dsys.admin-token=" + TOKEN,
                "dsys.data-dir=" + data,
                "dsys.kafka.enabled=false",
                "eureka.client.enabled=false",
                "dsys.time.ntp.port=0",
                "spring.main.banner-mode=off",
                "springdoc.api-docs.enabled=false",
                "logging.level.root=WARN"));
        for (int k = 0; k < 3; k++) p.add("dsys.peers.time-" + (k + 1) + "=http://127.0.0.1:" + ports[k]);
        return p.stream().map(a -> "--" + a).toArray(String[]::new);
    }

    int ntpPort(int node) {
        return nodes.get(node).getBean(NtpUdpServer.class).port();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
