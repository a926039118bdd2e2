package dsys.platform.transport;

import dsys.core.node.NodeId;
import dsys.platform.node.NodeIdentity;

import java.util.function.LongSupplier;

/**
 * Who may send this node messages, and how batches are signed: only the other members of its group and the nodes
 * it is linked to ({@code dsys.links}), each batch
 * signed with the cluster secret for its link and stream ({@link BatchMac}), each stream used once
 * ({@link StreamNonces}). The sending side is {@link #outbound}, the receiving side {@link #inbound}.
 */
public final class PeerAuth {

    private final NodeIdentity id;
    private final ClusterSecret secret;
    private final StreamNonces nonces;

    public PeerAuth(NodeIdentity id, ClusterSecret secret) {
        this(id, secret, System::currentTimeMillis);
    }

    PeerAuth(NodeIdentity id, ClusterSecret secret, LongSupplier wallClockMillis) {
        this.id = id;
        this.secret = secret;
        this.nonces = new StreamNonces(wallClockMillis);
    }

    /** A new stream to {@code peer}: its id (header {@link ClockHeaders#STREAM}) and the signer of its batches. */
    Outbound outbound(NodeId peer) {
        String stream = nonces.fresh();
        return new Outbound(stream, new BatchMac(secret, id.self(), peer, stream));
    }

    record Outbound(String stream, BatchMac mac) {
    }

    /** A stream (or one-shot POST) that claims to come from {@code from}; refused before reading when it cannot be. */
    Inbound inbound(String from, String stream) throws PeerRefusal {
        if (from == null || stream == null) {
            throw new PeerRefusal(PeerRefusal.Reason.UNAUTHENTICATED,
                    "headers " + ClockHeaders.FROM + " and " + ClockHeaders.STREAM + " are required, and a signature on every batch");
        }
        NodeId sender = NodeId.of(from.isBlank() ? "?" : from);
        if (!id.peer(sender)) {
            throw new PeerRefusal(PeerRefusal.Reason.NOT_MEMBER, "'" + from + "' is not a member of " + id.self()
                    + "'s group " + id.members().nodes() + (id.links().isEmpty() ? "" : " nor linked to it " + id.links()));
        }
        nonces.checkRecent(stream);
        return new Inbound(sender, stream, new BatchMac(secret, sender, id.self(), stream));
    }

    /** The receiving end of one stream: checks each line's signature, in order, and takes the stream at its first. */
    final class Inbound {
        final NodeId from;
        private final String stream;
        private final BatchMac mac;
        private boolean taken;

        private Inbound(NodeId from, String stream, BatchMac mac) {
            this.from = from;
            this.stream = stream;
            this.mac = mac;
        }

        /** Checks the line in {@code buf[off, off+len)}; its batch starts at {@code off + }{@link BatchMac#BATCH_OFFSET}. */
        void verify(byte[] buf, int off, int len) throws PeerRefusal {
            if (!mac.verify(buf, off, len)) {
                throw new PeerRefusal(PeerRefusal.Reason.BAD_SIGNATURE, "a batch of stream " + stream + " from " + from
                        + " is not signed with the cluster secret for this link and place in the stream"
                        + " (is dsys.cluster-secret the same on every node?)");
            }
            if (!taken) {
                nonces.take(from.value(), stream);
                taken = true;
            }
        }
    }
}
