package dsys.platform.commit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.DecisionTopic;
import dsys.platform.node.DsysProperties;
import dsys.platform.node.NodeIdentity;
import dsys.platform.transport.ClusterSecret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A participant acts only on decisions a member signed. */
class DecisionCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DecisionTopic.Published D = new DecisionTopic.Published("txn-1-1-7", true, "txn-1", List.of("kv-1", "kv-2"));

    private static DecisionCodec codec(String secret) {
        DsysProperties p = new DsysProperties();
        p.setNode("kv-1");
        p.setMembers(List.of("kv-1", "kv-2"));
        return new DecisionCodec(ClusterSecret.of(secret, NodeIdentity.from(p, "kv-service")), JSON);
    }

    @Test
    void aSignedDecisionReadsBack() {
        DecisionCodec c = codec("a-cluster-secret-of-some-length");
        assertThat(c.decode(c.encode(D))).isEqualTo(D);
    }

    @Test
    void anAlteredOrForeignOrMalformedRecordIsRefused() {
        DecisionCodec c = codec("a-cluster-secret-of-some-length");
        String signed = c.encode(D);
        assertThat(c.decode(signed.replace("\"commit\":true", "\"commit\":false"))).as("outcome flipped").isNull();
        assertThat(c.decode(signed.replace("\"kv-2\"", "\"kv-3\""))).as("participants changed").isNull();
        assertThat(c.decode(codec("another-secret-entirely-here").encode(D))).as("signed by a stranger").isNull();
        assertThat(c.decode(signed.replaceAll(",\"tag\":\"[^\"]*\"", ""))).as("no tag").isNull();
        assertThat(c.decode("{\"txn\":")).isNull();
        assertThat(c.decode("{\"txn\":1,\"commit\":\"yes\"}")).isNull();
    }
}
