package dsys.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.platform.PingNodes;
import dsys.testing.HugeRequest;
import dsys.testing.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies and headers far too large for any route of a node: 4xx problems, and the node serves the next request. */
class RequestLimitsLiveTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long HUGE = 64L << 20;
    /** Admin-only and reads a JSON body: the limit, not the token or the handler, must be what answers. */
    static final String ROUTE = "/api/chaos/partitions";
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN);
    static final String JSON_STRING = "{\"groups\":[[\"";
    @RegisterExtension
    static final PingNodes nodes = new PingNodes(1);

    static void assertTooLarge(HugeRequest.Answer a) {
        assertThat(a.problemDetail(413, "payload-too-large")).contains("1114112 bytes");
    }

    static void assertStillServes() throws Exception {
        assertThat(nodes.call(0, "GET", "/api/node", null, false).statusCode()).isEqualTo(200);
    }

    @Test
    void anAnnouncedHugeBodyIs413BeforeItIsRead() throws Exception {
        HugeRequest.Answer a = HugeRequest.send(nodes.port(0), "POST", ROUTE, ADMIN, JSON_STRING, HUGE, false);
        assertTooLarge(a);
        assertThat(a.header("Connection")).isEqualTo("close");
        assertThat(a.sent()).as("refused before reading the body").isLessThan(HUGE / 4);
        assertStillServes();
    }

    @Test
    void aStreamedHugeBodyIs413AtTheLimit() throws Exception {
        assertTooLarge(HugeRequest.send(nodes.port(0), "POST", ROUTE, ADMIN, JSON_STRING, HUGE, true));
        assertStillServes();
    }

    @Test
    void aBodyOfAMebibyteStillReachesItsHandler() throws Exception {
        HugeRequest.Answer a = HugeRequest.send(nodes.port(0), "POST", ROUTE, ADMIN, "{\"groups\":[[\"ping-1\"]],\"pad\":\"",
                1 << 20, true);
        // unfinished JSON: the handler's own 400, not the limit's 413
        assertThat(a.problemDetail(400, "malformed-body")).isNotBlank();
    }

    @Test
    void hugeHeadersAreA431Problem() throws Exception {
        HttpRequest r = HttpRequest.newBuilder(nodes.uri(0, "/api/node")).header("X-Huge", "h".repeat(64 << 10)).build();
        HttpResponse<String> answer = PingNodes.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(431);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("type").asText())
                .isEqualTo("https://dsys.dev/problems/request-header-fields-too-large");
        assertStillServes();
    }

    @Test
    void aRequestTomcatCannotParseIsA400Problem() throws Exception {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), nodes.port(0))) {
            socket.getOutputStream().write("G\u0001T / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json", "https://dsys.dev/problems/bad-request");
        }
        assertStillServes();
    }
}
