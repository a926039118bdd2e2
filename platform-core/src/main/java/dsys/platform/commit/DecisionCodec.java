package dsys.platform.commit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.DecisionTopic;
import dsys.platform.transport.ClusterSecret;

import java.util.ArrayList;
import java.util.List;

/**
 * A decision as a record of the decisions topic: JSON with a tag under the cluster secret. Whoever can write to
 * the broker could otherwise commit or abort any participant's transaction; a participant acts only on a record
 * a member signed.
 */
public final class DecisionCodec {

    private static final String DOMAIN = "dsys-decision-v1";

    private final ClusterSecret secret;
    private final ObjectMapper json;

    public DecisionCodec(ClusterSecret secret, ObjectMapper json) {
        this.secret = secret;
        this.json = json;
    }

    public String encode(DecisionTopic.Published d) {
        try {
            var node = json.createObjectNode().put("txn", d.txn()).put("commit", d.commit()).put("coordinator", d.coordinator());
            d.participants().forEach(node.putArray("participants")::add);
            node.put("tag", secret.tag(signed(d)));
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decision, or null for a record that is malformed or not signed by a member. */
    public DecisionTopic.Published decode(String value) {
        try {
            JsonNode n = json.readTree(value);
            if (!n.path("txn").isTextual() || !n.path("commit").isBoolean() || !n.path("coordinator").isTextual()
                    || !n.path("participants").isArray()) return null;
            List<String> participants = new ArrayList<>();
            for (JsonNode p : n.path("participants")) participants.add(p.asText());
            var d = new DecisionTopic.Published(n.path("txn").asText(), n.path("commit").asBoolean(), n.path("coordinator").asText(), participants);
            return secret.verifies(signed(d), n.path("tag").asText(null)) ? d : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /** The signed text: JSON of the fields in a fixed order, so no two decisions sign alike. */
    private String signed(DecisionTopic.Published d) throws JsonProcessingException {
        return DOMAIN + json.writeValueAsString(List.of(d.txn(), d.commit(), d.coordinator(), d.participants()));
    }
}
