package dsys.verifier.gen;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RandomHistoriesTest {

    @Test
    void sameSeedSameHistory() {
        assertThat(RandomHistories.register(9, 200, 3, 5, 0.1).ops()).isEqualTo(RandomHistories.register(9, 200, 3, 5, 0.1).ops());
        assertThat(RandomHistories.register(9, 200, 3, 5, 0.1).ops()).isNotEqualTo(RandomHistories.register(10, 200, 3, 5, 0.1).ops());
    }

    @Test
    void historiesAreConcurrentCrashProneAndWriteUniqueValues() {
        History h = RandomHistories.casRegister(5, 2000, 4, 8, 0.05);
        assertThat(h.calls()).hasSize(2000);
        assertThat(h.calls()).anyMatch(Call::isUnknown).anyMatch(Call::isFail).anyMatch(c -> c.f().equals("cas") && c.isOk());
        long overlapping = h.calls().stream().filter(c -> h.calls().stream()
                .anyMatch(o -> o != c && o.invokePos() < c.invokePos() && o.returnPos() > c.invokePos())).count();
        assertThat(overlapping).as("calls that begin while another is open").isGreaterThan(1000);
        Set<Object> written = new HashSet<>();
        h.calls().stream().filter(c -> c.f().equals("write")).forEach(c -> assertThat(written.add(c.input())).isTrue());
    }

    @Test
    void staleReadNeedsAnOverwrittenValue() {
        History lonely = dsys.verifier.TestHistories.parse("p1 invoke read x -", "p1 ok read x -");
        assertThat(Mutations.staleRead(lonely, new SplittableRandom(1))).isEmpty();
        History h = dsys.verifier.TestHistories.parse("""
                p1 invoke write x 1
                p1 ok write x 1
                p1 invoke write x 2
                p1 ok write x 2
                p2 invoke read x -
                p2 ok read x 2
                """);
        History stale = Mutations.staleRead(h, new SplittableRandom(1)).orElseThrow();
        assertThat(stale.calls().get(2).output()).isIn(1L, null);
    }
}
