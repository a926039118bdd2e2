package dsys.platform.transport;

import dsys.core.node.NodeId;

import javax.crypto.Mac;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Signs (sender) or checks (receiver) the batches of one stream from one node to another. A batch's line starts
 * with its tag, {@link #TAG_CHARS} base64url characters and a space:
 * <pre>tag(n) = HMAC-SHA256(cluster secret, "dsys-batch-v1" · from · to · stream id · n · batch bytes)</pre>
 * where n counts the stream's batches from 0. So a batch proves its sender (only members know the secret), and a
 * captured one is worth nothing elsewhere: on another link the from/to differ, in another stream the id differs,
 * at another place in its own stream n differs. Streams themselves are used once ({@link StreamNonces}).
 */
final class BatchMac {

    static final int TAG_CHARS = 43; // 32 bytes in base64url without padding
    static final int BATCH_OFFSET = TAG_CHARS + 1; // after the tag and a space
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final Mac mac;
    private final byte[] context;
    private final byte[] seqBytes = new byte[8];
    private long seq;

    BatchMac(ClusterSecret secret, NodeId from, NodeId to, String stream) {
        this.mac = secret.newMac();
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        try (DataOutputStream d = new DataOutputStream(b)) {
            d.writeUTF("dsys-batch-v1"); // length-prefixed fields: no two contexts encode alike
            d.writeUTF(from.value());
            d.writeUTF(to.value());
            d.writeUTF(stream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.context = b.toByteArray();
    }

    /** The tag of the stream's next batch, in the ASCII its line starts with. */
    byte[] sign(byte[] batch) {
        return ENCODE.encode(tag(batch, 0, batch.length));
    }

    /**
     * Whether the line in {@code buf[off, off+len)} is the stream's next batch, correctly signed. Only then does the
     * count move on; a stream with a bad line is ended.
     */
    boolean verify(byte[] buf, int off, int len) {
        if (len <= TAG_CHARS || buf[off + TAG_CHARS] != ' ') return false;
        byte[] given;
        try {
            given = DECODE.decode(Arrays.copyOfRange(buf, off, off + TAG_CHARS));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        int start = off + BATCH_OFFSET;
        long at = seq;
        if (!MessageDigest.isEqual(given, tag(buf, start, off + len - start))) {
            seq = at; // tag() moved it on
            return false;
        }
        return true;
    }

    private byte[] tag(byte[] buf, int off, int len) {
        for (int i = 0; i < 8; i++) seqBytes[i] = (byte) (seq >>> (56 - 8 * i));
        seq++;
        mac.update(context);
        mac.update(seqBytes);
        mac.update(buf, off, len);
        return mac.doFinal();
    }
}
