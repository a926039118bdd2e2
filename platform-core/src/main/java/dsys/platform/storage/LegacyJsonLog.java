package dsys.platform.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads the JSON-lines log of earlier versions ({@code durable.log}) once, so state kept there is not lost. */
final class LegacyJsonLog {

    static final String FILE = "durable.log";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyJsonLog() {
    }

    static void replay(byte[] log, WalBatch.Visitor visitor) {
        for (String line : new String(log, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            try {
                JsonNode n = JSON.readTree(line);
                if (n.hasNonNull("v")) visitor.put(n.get("k").asText(), n.get("v").asText());
                else visitor.remove(n.get("k").asText());
            } catch (IOException | NullPointerException torn) {
                return; // that format only ever tore its last line
            }
        }
    }
}
