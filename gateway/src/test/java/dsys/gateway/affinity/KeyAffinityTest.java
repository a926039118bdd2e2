package dsys.gateway.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyAffinityTest {

  private static final List<String> LOCKS = List.of("/api/locks/");

  @Test
  void theKeyIsTheSegmentAfterThePrefix() {
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/locks/orders/acquire", LOCKS)).isEqualTo("orders");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/locks/orders", LOCKS)).isEqualTo("orders");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/locks/", LOCKS)).isNull();
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/coordination/leader", LOCKS)).isNull();
  }

  @Test
  void aStarSegmentMatchesAnyOneSegmentAndIsPartOfTheKey() {
    List<String> kv = List.of("/api/kv/*/");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv/default/k1", kv)).isEqualTo("default/k1");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv/default/k1/watch", kv)).isEqualTo("default/k1");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv/other/k1", kv)).isEqualTo("other/k1");
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv/keyspaces", kv)).as("no key after the keyspace").isNull();
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv/default/", kv)).isNull();
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/kv//k1", kv)).as("an empty segment is no keyspace").isNull();
    assertThat(KeyAffinityInstanceListSupplier.keyOf("/api/locks/x", kv)).isNull();
  }

  @Test
  void keysSpreadEvenlyAndOnlyTheLeavingNodesKeysMove() {
    List<String> three = List.of("lock-1", "lock-2", "lock-3");
    List<String> two = List.of("lock-1", "lock-3");
    Map<String, Integer> load = new HashMap<>();
    int moved = 0;
    int n = 30_000;
    for (int i = 0; i < n; i++) {
      String key = "lock-" + i;
      String before = owner(key, three);
      String after = owner(key, two);
      load.merge(before, 1, Integer::sum);
      if (!before.equals(after)) {
        moved++;
        assertThat(before).as("only lock-2's keys move").isEqualTo("lock-2");
      }
    }
    assertThat(load.values()).allSatisfy(c -> assertThat(c).isBetween(n / 3 - n / 30, n / 3 + n / 30));
    assertThat(moved).isEqualTo(load.get("lock-2"));
  }

  private static String owner(String key, List<String> nodes) {
    String best = null;
    for (String node : nodes) {
      if (best == null || KeyAffinityInstanceListSupplier.weight(key, node) > KeyAffinityInstanceListSupplier.weight(key, best)) {
        best = node;
      }
    }
    return best;
  }
}
