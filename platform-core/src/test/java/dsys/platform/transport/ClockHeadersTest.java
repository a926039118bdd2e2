package dsys.platform.transport;

import dsys.core.clock.VectorTime;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClockHeadersTest {

    @Test
    void vectorRoundTrips() {
        VectorTime v = new VectorTime(Map.of("kv-1", 3L, "kv-2", 1L));
        assertThat(ClockHeaders.encode(v)).isEqualTo("kv-1=3,kv-2=1");
        assertThat(ClockHeaders.decode(ClockHeaders.encode(v))).isEqualTo(v);
        assertThat(ClockHeaders.decode("")).isEqualTo(VectorTime.ZERO);
    }

    @Test
    void garbageIsRefusedWithTheBadEntry() {
        assertThatThrownBy(() -> ClockHeaders.decode("kv-1=3,oops")).hasMessageContaining("'oops'");
    }
}
