package dsys.core.clock;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VectorTimeTest {

    private static VectorTime v(Object... kv) {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        return new VectorTime(m);
    }

    @Test
    void comparesBeforeAfterConcurrentEqual() {
        assertThat(v("a", 1, "b", 2).compare(v("a", 2, "b", 2))).isEqualTo(Causality.BEFORE);
        assertThat(v("a", 2, "b", 2).compare(v("a", 1, "b", 2))).isEqualTo(Causality.AFTER);
        assertThat(v("a", 2, "b", 1).compare(v("a", 1, "b", 2))).isEqualTo(Causality.CONCURRENT);
        assertThat(v("a", 2, "b", 1).compare(v("a", 2, "b", 1))).isEqualTo(Causality.EQUAL);
        assertThat(v("a", 1).happenedBefore(v("a", 2))).isTrue();
        assertThat(v("a", 1).happenedBefore(v("a", 1))).isFalse();
    }

    @Test
    void missingEntriesCountAsZero() {
        assertThat(VectorTime.ZERO.compare(v("a", 1))).isEqualTo(Causality.BEFORE);
        assertThat(v("a", 1).compare(VectorTime.ZERO)).isEqualTo(Causality.AFTER);
        assertThat(v("a", 1).compare(v("b", 1))).isEqualTo(Causality.CONCURRENT);
        assertThat(v("a", 1).compare(v("a", 1, "b", 1))).isEqualTo(Causality.BEFORE);
        assertThat(v("a", 1, "b", 0)).isEqualTo(v("a", 1)); // zeros are not stored
        assertThat(v("a", 1, "b", 0).compare(v("a", 1))).isEqualTo(Causality.EQUAL);
        assertThat(v("z", 0).get("z")).isZero();
    }

    @Test
    void mergeIsPointwiseMaxAndIncrementBumpsOneEntry() {
        assertThat(v("a", 3, "b", 1).merge(v("b", 4, "c", 2))).isEqualTo(v("a", 3, "b", 4, "c", 2));
        VectorTime x = v("a", 1);
        assertThat(x.increment("a")).isEqualTo(v("a", 2));
        assertThat(x.increment("b")).isEqualTo(v("a", 1, "b", 1));
        assertThat(x).as("immutable").isEqualTo(v("a", 1));
    }

    @Test
    void entriesAreSortedAndNegativesRejected() {
        assertThat(v("b", 1, "a", 2, "c", 3).entries().keySet()).containsExactly("a", "b", "c");
        assertThatIllegalArgumentException().isThrownBy(() -> new VectorTime(Map.of("a", -1L)));
    }
}
