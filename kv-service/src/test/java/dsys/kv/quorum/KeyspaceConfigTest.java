package dsys.kv.quorum;

import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyspaceConfigTest {

    private static final NodeId A = NodeId.of("kv-1"), B = NodeId.of("kv-2"), C = NodeId.of("kv-3");
    private static final List<NodeId> ABC = List.of(A, B, C);

    @Test
    void theDefaultKeyspaceIsNThreeRTwoWTwo() {
        KeyspaceConfig c = KeyspaceConfig.majority("default", ABC);
        assertThat(c.totalVotes()).isEqualTo(3);
        assertThat(c.readQuorum()).isEqualTo(2);
        assertThat(c.writeQuorum()).isEqualTo(2);
    }

    @Test
    void readOneWriteAll() {
        KeyspaceConfig c = KeyspaceConfig.rowa("rowa", ABC);
        assertThat(c.readQuorum()).isEqualTo(1);
        assertThat(c.writeQuorum()).isEqualTo(3);
    }

    @Test
    void aReadQuorumThatCanMissTheLatestWriteNamesTheRule() {
        assertThatThrownBy(() -> new KeyspaceConfig("ks", ABC, null, 1, 2))
                .isInstanceOfSatisfying(KeyspaceConfig.QuorumRuleViolation.class,
                        e -> assertThat(e.rule()).isEqualTo("V_r + V_w > V"))
                .hasMessageContaining("1 + 2 = 3 is not more than V = 3");
    }

    @Test
    void writeQuorumsThatCanMissEachOtherNameTheRule() {
        // votes 1,1,1,1: V_r = 3, V_w = 2 meets the first rule but two writes could take {1,2} and {3,4}
        List<NodeId> four = List.of(A, B, C, NodeId.of("kv-4"));
        assertThatThrownBy(() -> new KeyspaceConfig("ks", four, null, 3, 2))
                .isInstanceOfSatisfying(KeyspaceConfig.QuorumRuleViolation.class,
                        e -> assertThat(e.rule()).isEqualTo("V_w > V/2"))
                .hasMessageContaining("2 is not more than 4/2");
    }

    @Test
    void votesWeighTheQuorums() {
        KeyspaceConfig c = new KeyspaceConfig("w", ABC, Map.of(A, 2), 2, 3);
        assertThat(c.totalVotes()).isEqualTo(4);
        WeightedVotingQuorum q = new WeightedVotingQuorum(c);
        assertThat(q.isReadQuorum(List.of(A))).as("kv-1's two votes alone").isTrue();
        assertThat(q.isWriteQuorum(List.of(B, C))).isFalse();
        assertThat(q.isWriteQuorum(List.of(A, C))).isTrue();
    }

    @Test
    void aReplyCountsOnceAndNonReplicasNotAtAll() {
        WeightedVotingQuorum q = new WeightedVotingQuorum(KeyspaceConfig.majority("default", ABC));
        assertThat(q.votes(List.of(A, A, A))).isEqualTo(1);
        assertThat(q.isReadQuorum(List.of(A, A))).isFalse();
        assertThat(q.votes(List.of(A, NodeId.of("kv-9")))).isEqualTo(1);
        assertThat(q.stillPossible(List.of(A), 2)).isTrue();
        assertThat(q.stillPossible(List.of(A, B), 2)).isFalse();
    }

    @Test
    void badConfigurationsSayWhatIsWrong() {
        assertThatThrownBy(() -> new KeyspaceConfig("ks", List.of(), null, 1, 1)).hasMessageContaining("needs replicas");
        assertThatThrownBy(() -> new KeyspaceConfig("ks", List.of(A, A), null, 1, 2)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new KeyspaceConfig("ks", ABC, Map.of(A, -1), 1, 3)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new KeyspaceConfig("ks", ABC, Map.of(NodeId.of("kv-7"), 1), 2, 2))
                .hasMessageContaining("hold no replica");
        assertThatThrownBy(() -> new KeyspaceConfig("ks", ABC, null, 4, 2)).hasMessageContaining("within 1..V = 3");
        assertThatThrownBy(() -> new KeyspaceConfig("Bad/Name", ABC, null, 2, 2)).hasMessageContaining("keyspace name");
    }
}
