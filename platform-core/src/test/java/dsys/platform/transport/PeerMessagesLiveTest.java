package dsys.platform.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.PingNodes;
import dsys.platform.host.CoreHost;
import dsys.platform.node.NodeIdentity;
import dsys.testing.HugeRequest;
import dsys.testing.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /internal/messages} on a live node (ping-2), written by hand as ping-1 or as someone else: only
 * signed batches from members are delivered; everything else is a problem answer, counted, and changes nothing.
 */
class PeerMessagesLiveTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final NodeId PING1 = NodeId.of("ping-1"), PING2 = NodeId.of("ping-2");
    static final Membership GROUP = Membership.of("ping-1", "ping-2");
    @RegisterExtension
    static final PingNodes nodes = new PingNodes(2);

    /** What ping-1 signs with (the cluster's secret), or someone with another secret. */
    static PeerAuth signer(String secret) {
        NodeIdentity id = new NodeIdentity(PING1, GROUP, "ping");
        return new PeerAuth(id, ClusterSecret.of(secret, id));
    }

    static final PeerAuth PING1_AUTH = signer(TestNodes.CLUSTER_SECRET);

    static String ping(int round, long lamport) {
        return ping(round, lamport, "null");
    }

    static String ping(int round, long lamport, String vector) {
        return "{\"messages\":[{\"group\":\"ping\",\"id\":\"t-%d\",\"type\":\"dsys.platform.PingApp$Ping\",\"lamport\":%d,\"vector\":%s,\"payload\":{\"round\":%d}}]}"
                .formatted(round, lamport, vector, round);
    }

    /** {@code body} as a peer's stream to ping-2: chunked, no Content-Length. */
    static HttpResponse<String> stream(String from, String streamId, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(nodes.uri(1, MessageServlet.PATH)).version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        if (from != null) b.header(ClockHeaders.FROM, from);
        if (streamId != null) b.header(ClockHeaders.STREAM, streamId);
        return PingNodes.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A whole stream from ping-1 with one signed line per batch. */
    static HttpResponse<String> signedStream(String... batches) throws Exception {
        PeerAuth.Outbound out = PING1_AUTH.outbound(PING2);
        StringBuilder body = new StringBuilder("\n"); // keep-alive lines carry nothing and are not signed
        for (String batch : batches) body.append(Lines.signedText(out, batch)).append('\n');
        return stream("ping-1", out.stream(), body.toString());
    }

    static long pingsReceived() {
        return nodes.node(1).getBean(CoreHost.class).messageCounts(false).getOrDefault("Ping", 0L);
    }

    static double rejected(String reason) {
        Counter c = nodes.node(1).getBean(MeterRegistry.class).find("dsys.transport.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    /**
     * Sends a good batch after whatever was refused and waits for ping-2 to take it: delivery is in order, so
     * afterwards exactly one more Ping than {@code before} means the refused ones delivered nothing.
     */
    static void assertOnlyTheMarkerArrivesAfter(long before) throws Exception {
        assertThat(signedStream(ping(7000, 1)).statusCode()).isEqualTo(202);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pingsReceived() < before + 1 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(pingsReceived()).isEqualTo(before + 1);
    }

    static void assertProblem(HttpResponse<String> r, int status, String slug) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("type").asText()).isEqualTo("https://dsys.dev/problems/" + slug);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
    }

    @Test
    void aSignedStreamDeliversABatchPerLineUntilThePeerEndsIt() throws Exception {
        CoreHost ping2 = nodes.node(1).getBean(CoreHost.class);
        long before = ping2.messageCounts(true).getOrDefault("Pong", 0L);
        HttpResponse<String> r = signedStream(ping(9001, 1), ping(9002, 2));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        // each Ping delivered makes ping-2's core answer with a Pong
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ping2.messageCounts(true).getOrDefault("Pong", 0L) - before < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ping2.messageCounts(true).getOrDefault("Pong", 0L) - before).isEqualTo(2);
    }

    @Test
    void aMalformedBatchFromAMemberIsA400Problem() throws Exception {
        double before = rejected("malformed");
        HttpResponse<String> notJson = signedStream("{nope");
        assertProblem(notJson, 400, "bad-request");
        assertThat(notJson.body()).contains("not JSON");
        // one batch with a Content-Length, answered at once
        PeerAuth.Outbound out = PING1_AUTH.outbound(PING2);
        HttpRequest oneShot = HttpRequest.newBuilder(nodes.uri(1, MessageServlet.PATH))
                .header(ClockHeaders.FROM, "ping-1").header(ClockHeaders.STREAM, out.stream())
                .POST(HttpRequest.BodyPublishers.ofByteArray(Lines.signed(out,
                        "{\"messages\":[{\"group\":\"ping\",\"type\":\"java.lang.String\",\"payload\":\"x\"}]}"))).build();
        HttpResponse<String> stranger = PingNodes.HTTP.send(oneShot, HttpResponse.BodyHandlers.ofString());
        assertProblem(stranger, 400, "bad-request");
        assertThat(stranger.body()).contains("is not a message");
        assertThat(rejected("malformed") - before).isEqualTo(2);
    }

    @Test
    void unsignedForgedOrTamperedBatchesAre401AndDeliverNothing() throws Exception {
        long before = pingsReceived();
        double counted = rejected("bad-signature");
        PeerAuth.Outbound honest = PING1_AUTH.outbound(PING2);
        assertProblem(stream("ping-1", honest.stream(), ping(1, 1) + "\n"), 401, "bad-signature");

        PeerAuth.Outbound forger = signer("a-secret-that-is-not-the-cluster-one").outbound(PING2);
        HttpResponse<String> forged = stream("ping-1", forger.stream(), Lines.signedText(forger, ping(2, 1)) + "\n");
        assertProblem(forged, 401, "bad-signature");
        assertThat(forged.headers().firstValue("WWW-Authenticate")).isPresent();

        PeerAuth.Outbound tampered = PING1_AUTH.outbound(PING2);
        String line = Lines.signedText(tampered, ping(3, 1)).replace("\"round\":3", "\"round\":4");
        assertProblem(stream("ping-1", tampered.stream(), line + "\n"), 401, "bad-signature");

        assertThat(rejected("bad-signature") - counted).isEqualTo(3);
        assertOnlyTheMarkerArrivesAfter(before);
    }

    @Test
    void strangersAndStreamsWithoutIdAreRefusedBeforeTheirBodyIsRead() throws Exception {
        long before = pingsReceived();
        double strangers = rejected("not-member"), anonymous = rejected("unauthenticated");
        PeerAuth.Outbound out = PING1_AUTH.outbound(PING2);
        String line = Lines.signedText(out, ping(1, 1)) + "\n";
        assertProblem(stream("mallory-1", out.stream(), line), 403, "not-member");
        assertProblem(stream("ping-2", out.stream(), line), 403, "not-member");
        assertProblem(stream(null, out.stream(), line), 401, "unauthenticated");
        assertProblem(stream("ping-1", null, line), 401, "unauthenticated");
        assertThat(rejected("not-member") - strangers).isEqualTo(2);
        assertThat(rejected("unauthenticated") - anonymous).isEqualTo(2);
        assertOnlyTheMarkerArrivesAfter(before);
    }

    @Test
    void aCapturedStreamOrBatchCannotBePlayedAgainOrElsewhere() throws Exception {
        PeerAuth.Outbound out = PING1_AUTH.outbound(PING2);
        String first = Lines.signedText(out, ping(11, 1)), second = Lines.signedText(out, ping(12, 2));
        long before = pingsReceived();
        assertThat(stream("ping-1", out.stream(), first + "\n").statusCode()).isEqualTo(202);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pingsReceived() < before + 1 && System.nanoTime() < deadline) Thread.sleep(5);
        before = pingsReceived();

        assertProblem(stream("ping-1", out.stream(), first + "\n"), 401, "replayed-stream");
        assertProblem(stream("ping-1", out.stream(), second + "\n"), 401, "bad-signature"); // out of its place
        String otherStream = PING1_AUTH.outbound(PING2).stream();
        assertProblem(stream("ping-1", otherStream, first + "\n"), 401, "bad-signature");
        // the same line to ping-1, as if ping-2 had sent it: another link
        HttpRequest reversed = HttpRequest.newBuilder(nodes.uri(0, MessageServlet.PATH))
                .header(ClockHeaders.FROM, "ping-2").header(ClockHeaders.STREAM, out.stream())
                .POST(HttpRequest.BodyPublishers.ofString(first)).build();
        assertProblem(PingNodes.HTTP.send(reversed, HttpResponse.BodyHandlers.ofString()), 401, "bad-signature");
        // signed properly, but opened long ago
        NodeIdentity ping1 = new NodeIdentity(PING1, GROUP, "ping");
        PeerAuth.Outbound old = new PeerAuth(ping1, ClusterSecret.of(TestNodes.CLUSTER_SECRET, ping1),
                () -> System.currentTimeMillis() - 300_000).outbound(PING2);
        assertProblem(stream("ping-1", old.stream(), Lines.signedText(old, ping(13, 1)) + "\n"), 401, "stale-stream");

        assertOnlyTheMarkerArrivesAfter(before);
    }

    @Test
    void aRefusedStreamIsAnsweredAndClosedWhileItsSenderStillHoldsItOpen() throws Exception {
        PeerAuth.Outbound forger = signer("a-secret-that-is-not-the-cluster-one").outbound(PING2);
        String line = Lines.signedText(forger, ping(31, 1)) + "\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), nodes.port(1))) {
            socket.setSoTimeout(5000);
            String head = "POST " + MessageServlet.PATH + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + ClockHeaders.FROM + ": ping-1\r\n" + ClockHeaders.STREAM + ": " + forger.stream() + "\r\n\r\n";
            byte[] chunk = line.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write((head + Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            // The chunk's data and nothing after it, not even its CRLF: the stream stays open on this side. Bytes
            // the node never reads (a CRLF arriving after it refused) would make its close a reset, which can
            // discard its answer here before it is read: the test would fail on TCP's timing, not on the node.
            socket.getOutputStream().write(chunk);
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // up to the close
            assertThat(answer).startsWith("HTTP/1.1 401").contains("bad-signature");
        }
    }

    @Test
    void logicalTimesNoHonestPeerSendsAreRefused() throws Exception {
        long before = pingsReceived();
        double counted = rejected("clock");
        assertProblem(signedStream(ping(21, -1)), 400, "clock-out-of-bounds");
        assertProblem(signedStream(ping(22, Long.MAX_VALUE)), 400, "clock-out-of-bounds");
        assertProblem(signedStream(ping(23, 1L << 50)), 400, "clock-out-of-bounds");
        assertProblem(signedStream(ping(24, 5, "\"ping-1=6\"")), 400, "clock-out-of-bounds");
        assertThat(rejected("clock") - counted).isEqualTo(4);
        assertOnlyTheMarkerArrivesAfter(before);
        long lamport = JSON.readTree(nodes.call(1, "GET", "/api/node", null, false).body()).get("lamport").asLong();
        assertThat(lamport).as("ping-2's clock took none of them").isBetween(1L, 1L << 20);
    }

    @Test
    void sixtyFourMebibytesAre413WhetherAnnouncedOrStreamedAndTheNodeLivesOn() throws Exception {
        double counted = rejected("too-large");
        long huge = 64L << 20;
        HugeRequest.Answer announced = HugeRequest.send(nodes.port(1), "POST", MessageServlet.PATH, Map.of(), "", huge, false);
        assertThat(announced.problemDetail(413, "payload-too-large")).contains(Integer.toString(MessageServlet.MAX_LINE));
        assertThat(announced.sent()).as("refused before reading the body").isLessThan(huge / 4);

        PeerAuth.Outbound out = PING1_AUTH.outbound(PING2);
        HugeRequest.Answer streamed = HugeRequest.send(nodes.port(1), "POST", MessageServlet.PATH,
                Map.of(ClockHeaders.FROM, "ping-1", ClockHeaders.STREAM, out.stream()), "", huge, true);
        assertThat(streamed.problemDetail(413, "payload-too-large")).contains(Integer.toString(MessageServlet.MAX_LINE));
        assertThat(rejected("too-large") - counted).isEqualTo(2);

        assertThat(nodes.call(0, "POST", "/test/ping", null, false).statusCode()).as("both nodes still answer").isEqualTo(200);
    }

    @Test
    void aSenderSplitsBatchesThatWouldNotFitALineAndDropsAMessageThatCannot() throws Exception {
        double refused = rejected("too-large");
        // four messages of ~0.9 MiB queued in one step: together more than a line takes
        assertThat(nodes.call(0, "POST", "/test/blobs?count=4&bytes=900000", null, false).statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode seen = JSON.readTree(nodes.call(1, "GET", "/test/blobs", null, false).body());
        while (seen.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = JSON.readTree(nodes.call(1, "GET", "/test/blobs", null, false).body());
        }
        assertThat(seen.toString()).isEqualTo("[0,1,2,3]");

        MeterRegistry ping1 = nodes.node(0).getBean(MeterRegistry.class);
        assertThat(nodes.call(0, "POST", "/test/blobs?count=1&bytes=3000000", null, false).statusCode()).isEqualTo(200);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tooLargeDropped(ping1) < 1 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(tooLargeDropped(ping1)).isEqualTo(1);
        assertThat(rejected("too-large")).as("never sent, so never refused").isEqualTo(refused);
        assertThat(nodes.call(0, "POST", "/test/ping", null, false).statusCode()).as("the link still works").isEqualTo(200);
    }

    static double tooLargeDropped(MeterRegistry m) {
        return m.find("dsys.messages.dropped").tag("reason", "too-large").counters().stream().mapToDouble(Counter::count).sum();
    }
}
