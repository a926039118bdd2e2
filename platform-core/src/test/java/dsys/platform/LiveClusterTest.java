package dsys.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.testing.Loopback;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;

import java.net.InetAddress;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Two live nodes in one JVM talking over the HTTP transport, with faults injected through their chaos routes. */
class LiveClusterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** A prompt wait far above the 5 ms answers below, so a loaded host does not push them past it. */
    @RegisterExtension
    static final PingNodes nodes = new PingNodes(2, "dsys.web.prompt-wait=500ms");

    static HttpResponse<String> call(int node, String method, String path, String body, boolean admin) throws Exception {
        return nodes.call(node, method, path, body, admin);
    }

    @Test
    void everyNodeListensOnLoopbackOnly() throws Exception {
        for (int i = 0; i < 2; i++) {
            var server = (TomcatWebServer) ((ServletWebServerApplicationContext) nodes.node(i)).getWebServer();
            Object address = server.getTomcat().getConnector().getProperty("address");
            assertThat(address).isInstanceOfSatisfying(InetAddress.class, a -> assertThat(a.isLoopbackAddress()).isTrue());
            Loopback.assertOnlyLoopbackAnswers(nodes.port(i));
        }
    }

    @Test
    void messagesCrossTheHttpTransportAndCarryLamportTime() throws Exception {
        HttpResponse<String> r = call(0, "POST", "/test/ping", null, false);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("pongs").asInt()).isEqualTo(1);
        // ping-1: emit(1), send(2); ping-2 receives at ≥3, sends pong ≥4; ping-1 receives ≥5.
        assertThat(n.get("lamport").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void aPartitionSilencesPeersAndHealingRestoresThem() throws Exception {
        assertThat(call(0, "POST", "/api/chaos/partitions", "{\"groups\":[[\"ping-1\"],[\"ping-2\"]]}", true).statusCode()).isEqualTo(200);
        try {
            HttpResponse<String> r = call(0, "POST", "/test/ping", null, false);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
            assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("only 0 pongs");
        } finally {
            assertThat(call(0, "DELETE", "/api/chaos", null, true).statusCode()).isEqualTo(200);
        }
        assertThat(call(0, "POST", "/test/ping", null, false).statusCode()).isEqualTo(200);
    }

    @Test
    void aBurstOfMessagesArrivesWholeAndInOrderInFewerWrites() throws Exception {
        HttpResponse<String> r = call(0, "POST", "/test/burst", null, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode seen = JSON.readTree(r.body());
        assertThat(seen.get("received").asInt()).isEqualTo(2000);
        assertThat(seen.get("inOrder").asBoolean()).as("one link per peer keeps its messages in order").isTrue();
        DistributionSummary batches = nodes.node(0).getBean(MeterRegistry.class).find("dsys.messages.batch.size").summary();
        assertThat(batches).isNotNull();
        assertThat(batches.max()).as("messages queued behind a batch being written go together").isGreaterThan(1);
        assertThat(batches.count()).isLessThan(2000);
        for (int i = 0; i < 2; i++) {
            assertThat(nodes.node(i).getBean(MeterRegistry.class).find("dsys.transport.rejected").counters())
                    .as("members' signed traffic is never refused").isNotEmpty().allSatisfy(c -> assertThat(c.count()).isZero());
        }
    }

    @Test
    void jsonAnswersCarryAContentLengthInsteadOfChunks() throws Exception {
        HttpResponse<String> r = call(0, "POST", "/test/ping", null, false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(r.body().getBytes().length);
        assertThat(r.headers().firstValue("Transfer-Encoding")).isEmpty();
        HttpResponse<String> problem = call(1, "GET", "/api/nothing-here", null, false);
        assertThat(problem.headers().firstValueAsLong("Content-Length")).hasValue(problem.body().getBytes().length);
    }

    @Test
    void futuresAreAnsweredOnTheRequestThreadWhenQuickAndAsynchronouslyOtherwise() throws Exception {
        var adapter = nodes.node(0).getBean(org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.class);
        assertThat(adapter.getReturnValueHandlers().get(0)).isInstanceOf(dsys.platform.web.PromptAnswers.class);
        // 0: complete when returned; 5: within the 500 ms wait; 800: after it, through Spring's async dispatch
        for (long ms : new long[]{0, 5, 800}) {
            boolean async = ms > 500;
            HttpResponse<String> r = call(0, "GET", "/test/later/" + ms, null, false);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("after").asLong()).isEqualTo(ms);
            assertDispatch(r, async, "body after " + ms + " ms");
            HttpResponse<String> failed = call(0, "GET", "/test/later/" + ms + "?fail=true", null, false);
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(409);
            assertThat(JSON.readTree(failed.body()).get("detail").asText()).isEqualTo("failed after " + ms + " ms");
            // a ResponseEntity keeps its status and headers, on the request thread too
            HttpResponse<String> e = call(0, "GET", "/test/later-entity/" + ms, null, false);
            assertThat(e.statusCode()).as(e.body()).isEqualTo(201);
            assertThat(e.headers().firstValue("ETag")).contains("\"" + ms + "\"");
            assertThat(e.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            assertThat(JSON.readTree(e.body()).get("after").asLong()).isEqualTo(ms);
            assertDispatch(e, async, "entity after " + ms + " ms");
            HttpResponse<String> empty = call(0, "GET", "/test/later-entity/" + ms + "?empty=true", null, false);
            assertThat(empty.statusCode()).as(empty.body()).isEqualTo(304);
            assertThat(empty.headers().firstValue("ETag")).contains("\"" + ms + "\"");
            assertDispatch(empty, async, "304 after " + ms + " ms");
        }
    }

    /** Whether Spring's async dispatch wrote the answer (PingApp marks those), as {@code async} says it should. */
    private static void assertDispatch(HttpResponse<String> r, boolean async, String what) {
        assertThat(r.headers().firstValue(PingApp.ASYNC_DISPATCH)).as("async dispatch: %s", what)
                .isEqualTo(async ? java.util.Optional.of("true") : java.util.Optional.empty());
    }

    @Test
    void adminRoutesNeedTheToken() throws Exception {
        HttpResponse<String> none = call(0, "GET", "/api/chaos", null, false);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(JSON.readTree(none.body()).get("type").asText()).isEqualTo("https://dsys.dev/problems/unauthorized");
        assertThat(call(0, "GET", "/api/chaos", null, true).statusCode()).isEqualTo(200);
    }

    @Test
    void aClockSkewMovesOnlyTheNamedNodesClockAndIsUndoneByOffsetZero() throws Exception {
        assertThat(JSON.readTree(call(0, "POST", "/api/chaos/nodes/ping-2/clock", "{\"offsetMs\":5000}", true).body())
                .get("applied").asBoolean()).isFalse();
        HttpResponse<String> r = call(1, "POST", "/api/chaos/nodes/ping-2/clock", "{\"offsetMs\":5000}", true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            assertThat(JSON.readTree(call(1, "GET", "/api/chaos", null, true).body()).get("clockOffsetMs").asDouble()).isBetween(4990.0, 5010.0);
            assertThat(JSON.readTree(call(0, "GET", "/api/chaos", null, true).body()).get("clockOffsetMs").asDouble()).isBetween(-10.0, 10.0);
            assertThat(call(1, "POST", "/api/chaos/nodes/ping-2/clock", "{}", true).statusCode()).isEqualTo(400);
        } finally {
            call(1, "POST", "/api/chaos/nodes/ping-2/clock", "{\"offsetMs\":0}", true);
        }
        assertThat(JSON.readTree(call(1, "GET", "/api/chaos", null, true).body()).get("clockOffsetMs").asDouble()).isBetween(-10.0, 10.0);
    }

    @Test
    void unknownRouteIsA404Problem() throws Exception {
        HttpResponse<String> r = call(1, "GET", "/api/nothing-here", null, false);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
    }

    @Test
    void aCrashedNodeAnswers503AndRecoversDurableStateOnRestart() throws Exception {
        HttpResponse<String> first = call(1, "POST", "/test/ping", null, false);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        long before = JSON.readTree(first.body()).get("round").asLong();
        assertThat(JSON.readTree(call(1, "POST", "/api/chaos/nodes/ping-1/crash", null, true).body()).get("applied").asBoolean()).isFalse();
        assertThat(call(1, "POST", "/api/chaos/nodes/ping-2/crash", null, true).statusCode()).isEqualTo(200);
        try {
            HttpResponse<String> r = call(1, "POST", "/test/ping", null, false);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("node-crashed");
        } finally {
            call(1, "POST", "/api/chaos/nodes/ping-2/restart", null, true);
        }
        HttpResponse<String> after = call(1, "POST", "/test/ping", null, false);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("round").asLong()).isEqualTo(before + 1);
    }

    @Test
    void malformedBodyAndBadFaultsAre400Problems() throws Exception {
        HttpResponse<String> r = call(0, "POST", "/api/chaos/links", "{\"from\":\"ping-1\",\"to\":\"ping-2\",\"dropRate\":2}", true);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("dropRate must be within 0..1");
        assertThat(call(0, "POST", "/api/chaos/partitions", "{not json", true).statusCode()).isEqualTo(400);
    }
}
