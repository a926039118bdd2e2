package dsys.platform.transport;

import java.nio.charset.StandardCharsets;

/** Test side of the wire: a batch's line as a sender writes it (its signature, a space, the batch). */
final class Lines {

    private Lines() {
    }

    static byte[] signed(PeerAuth.Outbound stream, String batch) {
        byte[] json = batch.getBytes(StandardCharsets.UTF_8);
        byte[] tag = stream.mac().sign(json);
        byte[] line = new byte[tag.length + 1 + json.length];
        System.arraycopy(tag, 0, line, 0, tag.length);
        line[tag.length] = ' ';
        System.arraycopy(json, 0, line, tag.length + 1, json.length);
        return line;
    }

    static String signedText(PeerAuth.Outbound stream, String batch) {
        return new String(signed(stream, batch), StandardCharsets.UTF_8);
    }
}
