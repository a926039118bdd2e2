package dsys.platform.transport;

import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.node.NodeIdentity;
import dsys.testing.TestNodes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Signing and checking batches without a network: what a captured, forged or replayed batch gets. */
class PeerAuthTest {

    static final Membership GROUP = Membership.of("kv-1", "kv-2", "kv-3");
    static final NodeId KV1 = NodeId.of("kv-1"), KV2 = NodeId.of("kv-2"), KV3 = NodeId.of("kv-3");
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    PeerAuth node(NodeId self, String secret) {
        NodeIdentity id = new NodeIdentity(self, GROUP, "kv");
        return new PeerAuth(id, ClusterSecret.of(secret, id), clock::get);
    }

    PeerAuth node(NodeId self) {
        return node(self, TestNodes.CLUSTER_SECRET);
    }

    static byte[] line(PeerAuth.Outbound stream, String batch) {
        return Lines.signed(stream, batch);
    }

    static void verify(PeerAuth.Inbound in, byte[] line) throws PeerRefusal {
        in.verify(line, 0, line.length);
    }

    static PeerRefusal.Reason refusal(ThrowingRunnable r) {
        try {
            r.run();
        } catch (PeerRefusal e) {
            return e.reason();
        }
        throw new AssertionError("not refused");
    }

    interface ThrowingRunnable {
        void run() throws PeerRefusal;
    }

    @Test
    void aMemberSignedStreamChecksOutLineByLineInOrder() throws PeerRefusal {
        PeerAuth.Outbound out = node(KV1).outbound(KV2);
        PeerAuth.Inbound in = node(KV2).inbound("kv-1", out.stream());
        for (int i = 0; i < 3; i++) verify(in, line(out, "{\"messages\":[" + i + "]}"));
        assertThat(in.from).isEqualTo(KV1);
    }

    @Test
    void aForgedTamperedOrUnsignedBatchIsABadSignature() throws PeerRefusal {
        PeerAuth.Outbound honest = node(KV1).outbound(KV2);
        PeerAuth.Outbound forger = node(KV1, "a-secret-nobody-shares-here").outbound(KV2);
        PeerAuth receiver = node(KV2);
        byte[] forged = line(forger, "{}");
        assertThat(refusal(() -> verify(receiver.inbound("kv-1", forger.stream()), forged)))
                .isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        byte[] tampered = line(honest, "{\"lamport\":1}");
        tampered[tampered.length - 2] = '9';
        assertThat(refusal(() -> verify(receiver.inbound("kv-1", honest.stream()), tampered)))
                .isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        byte[] unsigned = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(refusal(() -> verify(receiver.inbound("kv-1", honest.stream()), unsigned)))
                .isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
    }

    @Test
    void aCapturedBatchFailsOnAnotherLinkInAnotherStreamAndOutOfPlace() throws PeerRefusal {
        PeerAuth.Outbound out = node(KV1).outbound(KV2);
        byte[] first = line(out, "{\"n\":0}");
        byte[] second = line(out, "{\"n\":1}");
        // to another node, or claiming another sender: the link is part of what was signed
        assertThat(refusal(() -> verify(node(KV3).inbound("kv-1", out.stream()), first))).isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        assertThat(refusal(() -> verify(node(KV2).inbound("kv-3", out.stream()), first))).isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        // into another stream of the same link
        String other = node(KV1).outbound(KV2).stream();
        assertThat(refusal(() -> verify(node(KV2).inbound("kv-1", other), first))).isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        // out of order, or the same line twice
        PeerAuth receiver = node(KV2);
        assertThat(refusal(() -> verify(receiver.inbound("kv-1", out.stream()), second))).isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
        PeerAuth.Inbound in = receiver.inbound("kv-1", out.stream());
        verify(in, first);
        assertThat(refusal(() -> verify(in, first))).isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
    }

    @Test
    void aStreamIsTakenOnceAndOnlyWhileRecent() throws PeerRefusal {
        PeerAuth sender = node(KV1), receiver = node(KV2);
        PeerAuth.Outbound out = sender.outbound(KV2);
        byte[] first = line(out, "{}");
        verify(receiver.inbound("kv-1", out.stream()), first);
        assertThat(refusal(() -> verify(receiver.inbound("kv-1", out.stream()), first)))
                .as("the whole stream played again").isEqualTo(PeerRefusal.Reason.REPLAYED_STREAM);

        PeerAuth.Outbound later = sender.outbound(KV2);
        clock.addAndGet(StreamNonces.WINDOW.toMillis() + 1);
        assertThat(refusal(() -> receiver.inbound("kv-1", later.stream()))).isEqualTo(PeerRefusal.Reason.STALE_STREAM);
        clock.addAndGet(-2 * (StreamNonces.WINDOW.toMillis() + 1));
        assertThat(refusal(() -> receiver.inbound("kv-1", later.stream()))).as("from the future").isEqualTo(PeerRefusal.Reason.STALE_STREAM);
    }

    @Test
    void onlyOtherMembersWithWellFormedHeadersAreHeard() {
        PeerAuth receiver = node(KV2);
        String stream = node(KV1).outbound(KV2).stream();
        assertThat(refusal(() -> receiver.inbound("mallory-1", stream))).isEqualTo(PeerRefusal.Reason.NOT_MEMBER);
        assertThat(refusal(() -> receiver.inbound("kv-2", stream))).as("itself").isEqualTo(PeerRefusal.Reason.NOT_MEMBER);
        assertThat(refusal(() -> receiver.inbound("", stream))).isEqualTo(PeerRefusal.Reason.NOT_MEMBER);
        assertThat(refusal(() -> receiver.inbound(null, stream))).isEqualTo(PeerRefusal.Reason.UNAUTHENTICATED);
        assertThat(refusal(() -> receiver.inbound("kv-1", null))).isEqualTo(PeerRefusal.Reason.UNAUTHENTICATED);
        assertThat(refusal(() -> receiver.inbound("kv-1", "not-an-id"))).isEqualTo(PeerRefusal.Reason.UNAUTHENTICATED);
        assertThatCode(() -> receiver.inbound("kv-3", stream)).doesNotThrowAnyException();
    }

    @Test
    void aGroupWithoutASecretDoesNotStartAndAShortOneIsRefused() {
        NodeIdentity grouped = new NodeIdentity(KV1, GROUP, "kv");
        assertThatThrownBy(() -> ClusterSecret.of(null, grouped)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DSYS_CLUSTER_SECRET").hasMessageContaining("kv-2, kv-3");
        assertThatThrownBy(() -> ClusterSecret.of("short", grouped)).hasMessageContaining("at least 16");
        // alone in its group: a random key, so nothing signed elsewhere checks out here
        NodeIdentity alone = new NodeIdentity(KV1, Membership.of("kv-1"), "kv");
        PeerAuth.Outbound out = new PeerAuth(alone, ClusterSecret.of("", alone)).outbound(KV2);
        PeerAuth other = new PeerAuth(new NodeIdentity(KV2, GROUP, "kv"), ClusterSecret.of("", alone));
        assertThat(refusal(() -> verify(other.inbound("kv-1", out.stream()), line(out, "{}"))))
                .isEqualTo(PeerRefusal.Reason.BAD_SIGNATURE);
    }
}
