package dsys.core.env;

import dsys.core.sim.MemoryDurable;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefixedDurableTest {

    @Test
    void twoSharesOfOneStoreNeverSeeEachOthersKeys() {
        MemoryDurable node = new MemoryDurable();
        Durable a = new PrefixedDurable(node, "rpc-none/"), b = new PrefixedDurable(node, "rpc-expiration/");
        a.put("rpc.c.epoch", "3");
        b.put("rpc.c.epoch", "7");
        a.put("rpc.c.log.x", "kv-1");
        node.put("rpc.c.epoch", "outside");

        assertThat(a.get("rpc.c.epoch")).contains("3");
        assertThat(b.get("rpc.c.epoch")).contains("7");
        assertThat(a.scan("rpc.c.")).isEqualTo(Map.of("rpc.c.epoch", "3", "rpc.c.log.x", "kv-1"));
        assertThat(b.scan("rpc.c.log.")).isEmpty();
        assertThat(node.scan("rpc-none/")).containsOnlyKeys("rpc-none/rpc.c.epoch", "rpc-none/rpc.c.log.x");

        a.remove("rpc.c.epoch");
        assertThat(a.get("rpc.c.epoch")).isEmpty();
        assertThat(b.get("rpc.c.epoch")).contains("7");
        assertThat(node.get("rpc.c.epoch")).contains("outside");
    }

    @Test
    void anEmptyPrefixIsRefused() {
        assertThatThrownBy(() -> new PrefixedDurable(new MemoryDurable(), "")).isInstanceOf(IllegalArgumentException.class);
    }
}
