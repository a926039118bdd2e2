package dsys.core.node;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NodeIdAndMembershipTest {

    @Test
    void serviceAndIndexComeFromTheLastDash() {
        NodeId n = NodeId.of("kv-service-12");
        assertThat(n.service()).isEqualTo("kv-service");
        assertThat(n.index()).isEqualTo(12);
        assertThat(NodeId.of("solo").service()).isEqualTo("solo");
        assertThat(NodeId.of("solo").index()).isZero();
        assertThat(NodeId.of("kv-x").index()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> NodeId.of(" "));
    }

    @Test
    void idsOrderByServiceThenNumericIndex() {
        TreeSet<NodeId> s = new TreeSet<>(List.of(NodeId.of("kv-10"), NodeId.of("lock-1"), NodeId.of("kv-2")));
        assertThat(s).containsExactly(NodeId.of("kv-2"), NodeId.of("kv-10"), NodeId.of("lock-1"));
    }

    @Test
    void membershipIsSortedDistinctAndARing() {
        Membership m = Membership.of("kv-3", "kv-1", "kv-2", "kv-1");
        assertThat(m.nodes()).containsExactly(NodeId.of("kv-1"), NodeId.of("kv-2"), NodeId.of("kv-3"));
        assertThat(m.others(NodeId.of("kv-2"))).containsExactly(NodeId.of("kv-1"), NodeId.of("kv-3"));
        assertThat(m.successor(NodeId.of("kv-3"))).isEqualTo(NodeId.of("kv-1"));
        assertThat(m.successor(NodeId.of("kv-1"))).isEqualTo(NodeId.of("kv-2"));
        assertThatIllegalArgumentException().isThrownBy(() -> m.successor(NodeId.of("kv-9")));
    }
}
