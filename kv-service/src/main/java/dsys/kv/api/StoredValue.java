package dsys.kv.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A request body as the core stores it (a string): its content type, then the body, as text when it is valid
 * UTF-8 (readable in storage and in replica views) and in base64 otherwise, so any body comes back as it was.
 */
record StoredValue(String contentType, byte[] body) {

    static final String DEFAULT_TYPE = "application/octet-stream";

    String encode() {
        String type = contentType == null || contentType.isBlank() ? DEFAULT_TYPE : contentType.strip();
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            return "t " + type + "\n" + text;
        } catch (CharacterCodingException binary) {
            return "b " + type + "\n" + Base64.getEncoder().encodeToString(body);
        }
    }

    static StoredValue decode(String stored) {
        int nl = stored.indexOf('\n');
        if (nl < 2) return new StoredValue(DEFAULT_TYPE, stored.getBytes(StandardCharsets.UTF_8));
        String type = stored.substring(2, nl), rest = stored.substring(nl + 1);
        return new StoredValue(type, stored.charAt(0) == 'b' ? Base64.getDecoder().decode(rest)
                : rest.getBytes(StandardCharsets.UTF_8));
    }
}
