package dsys.kv.api;

import org.junit.jupiter.api.Test;

import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** New keys are refused once live data fills the old generation past the limit; overwrites and deletes go on. */
class HeapGuardTest {

    private static final long MIB = 1 << 20;

    private static MemoryUsage used(long usedMiB, long maxMiB) {
        return new MemoryUsage(0, usedMiB * MIB, maxMiB * MIB, maxMiB * MIB);
    }

    @Test
    void fullOnlyPastTheFractionOfTheMaximum() {
        AtomicReference<MemoryUsage> u = new AtomicReference<>(used(400, 500));
        HeapGuard g = new HeapGuard(u::get, 0.8);
        assertThat(g.fullReason()).isNull(); // exactly at the limit
        u.set(used(401, 500));
        assertThat(g.fullReason()).contains("401 of its 500 MiB").contains("80 %");
        u.set(null); // no old generation pool reported
        assertThat(g.fullReason()).isNull();
        u.set(new MemoryUsage(0, 10 * MIB, 10 * MIB, -1)); // undefined maximum
        assertThat(g.fullReason()).isNull();
        assertThatThrownBy(() -> new HeapGuard(u::get, 0)).hasMessageContaining("heap-full-fraction");
        assertThatThrownBy(() -> new HeapGuard(u::get, 1.5)).hasMessageContaining("heap-full-fraction");
        assertThat(new HeapGuard(0.8).fullReason()).as("this JVM's heap is far from full").isNull();
    }

    @Test
    void aFullNodeRefusesNewKeysWith507ButTakesOverwritesAndDeletes() throws Exception {
        AtomicReference<MemoryUsage> u = new AtomicReference<>(used(10, 500));
        byte[] v = "v".getBytes(StandardCharsets.UTF_8);
        try (KvLiveCluster cluster = new KvLiveCluster(1, List.of(new HeapGuard(u::get, 0.8)), "dsys.kv.deadline-ms=3000")) {
            assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/held", v, "Content-Type", "text/plain").statusCode()).isEqualTo(200);
            u.set(used(450, 500));
            var refused = cluster.call("kv-1", "PUT", "/api/kv/default/fresh", v, "Content-Type", "text/plain");
            assertThat(refused.statusCode()).isEqualTo(507);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("kv-full").contains("450 of its 500 MiB");
            assertThat(cluster.call("kv-1", "GET", "/api/kv/default/fresh", null).statusCode()).as("nothing half-applied").isEqualTo(404);
            assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/held", v, "Content-Type", "text/plain").statusCode()).isEqualTo(200);
            assertThat(cluster.call("kv-1", "DELETE", "/api/kv/default/held", null).statusCode()).isEqualTo(200);
            u.set(used(100, 500));
            assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/fresh", v, "Content-Type", "text/plain").statusCode()).isEqualTo(200);
        }
    }
}
