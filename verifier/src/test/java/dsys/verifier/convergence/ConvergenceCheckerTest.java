package dsys.verifier.convergence;

import dsys.verifier.CheckResult;
import dsys.verifier.history.History;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dsys.verifier.TestHistories.parse;
import static org.assertj.core.api.Assertions.assertThat;

class ConvergenceCheckerTest {
    private static final History WRITES = parse("""
            a invoke write x 1
            a ok write x 1
            b invoke write x 2
            b ok write x 2
            c invoke write x 3
            c info write x 3
            d invoke write x 4
            d fail write x 4
            """);

    private static CheckResult check(History h, Object... perReplica) {
        Map<String, Map<String, Object>> replicas = new LinkedHashMap<>();
        for (int i = 0; i < perReplica.length; i++) replicas.put("kv-" + (i + 1), Map.of("x", perReplica[i]));
        return ConvergenceChecker.check(h, replicas);
    }

    @Test
    void replicasAgreeOnTheLastAcknowledgedWrite() {
        assertThat(check(WRITES, 2, 2, 2).isValid()).isTrue();
    }

    @Test
    void aWriteWithUnknownOutcomeMayWin() {
        assertThat(check(WRITES, 3, 3).isValid()).isTrue();
    }

    @Test
    void divergentReplicas() {
        assertThat(check(WRITES, 2, 3).violations()).containsExactly("key x: kv-1 holds 2 but kv-2 holds 3");
    }

    @Test
    void olderValueWinningLosesAnAcknowledgedWrite() {
        assertThat(check(WRITES, 1, 1).violations()).first().asString().contains("kv-1 holds 1", "was lost");
    }

    @Test
    void failedOrNeverWrittenValuesAreThinAir() {
        assertThat(check(WRITES, 4).violations()).containsExactly("key x: kv-1 holds 4, which was never written");
        assertThat(check(WRITES, 9).isValid()).isFalse();
    }

    @Test
    void deleteLeavesNothingBehind() {
        History h = parse("""
                a invoke write x 1
                a ok write x 1
                a invoke delete x -
                a ok delete x -
                """);
        assertThat(ConvergenceChecker.check(h, Map.of("kv-1", Map.of(), "kv-2", Map.of())).isValid()).isTrue();
        assertThat(ConvergenceChecker.check(parse("a invoke write x 1", "a ok write x 1"), Map.of("kv-1", Map.of()))
                .violations()).containsExactly("key x: kv-1 holds nothing though writes were acknowledged");
    }

    @Test
    void aKeyDeletedAfterItsWriteMustNotComeBack() {
        History h = parse("""
                a invoke write x 1
                a ok write x 1
                b invoke delete x -
                b ok delete x -
                """);
        Map<String, Map<String, Object>> replicas = new LinkedHashMap<>();
        replicas.put("kv-1", Map.of());
        replicas.put("kv-2", Map.of("x", 1));
        CheckResult r = ConvergenceChecker.check(h, replicas);
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations()).contains("key x: kv-1 holds null but kv-2 holds 1");
        assertThat(r.violations()).anySatisfy(m -> assertThat(m).startsWith("key x: kv-2 holds 1 from #0 a write x 1")
                .contains("resurrected", "#2 b delete x"));
        assertThat(ConvergenceChecker.check(h, Map.of("kv-1", Map.of("x", 1), "kv-2", Map.of("x", 1))).violations())
                .as("converged on the resurrected value is still wrong").hasSize(2).allMatch(m -> m.contains("resurrected"));
    }

    @Test
    void aWriteOverlappingTheDeleteMayWin() {
        History h = parse("""
                a invoke write x 1
                a ok write x 1
                b invoke delete x -
                c invoke write x 2
                b ok delete x -
                c ok write x 2
                """);
        assertThat(ConvergenceChecker.check(h, Map.of("kv-1", Map.of("x", 2), "kv-2", Map.of("x", 2))).isValid()).isTrue();
        assertThat(ConvergenceChecker.check(h, Map.of("kv-1", Map.of(), "kv-2", Map.of())).isValid()).isTrue();
        assertThat(ConvergenceChecker.check(h, Map.of("kv-1", Map.of("x", 1))).violations())
                .singleElement().asString().contains("resurrected");
    }

    @Test
    void setsKeepEveryAcknowledgedElement() {
        History adds = parse("""
                a invoke add s 1
                a ok add s 1
                b invoke add s 2
                b info add s 2
                c invoke add s 3
                c ok add s 3
                """);
        assertThat(ConvergenceChecker.check(adds, Map.of("kv-1", Map.of("s", List.of(1, 3)))).isValid()).isTrue();
        assertThat(ConvergenceChecker.check(adds, Map.of("kv-1", Map.of("s", List.of(1, 2, 3)))).isValid()).isTrue();
        assertThat(ConvergenceChecker.check(adds, Map.of("kv-1", Map.of("s", List.of(1, 7)))).violations())
                .anyMatch(v -> v.contains("lost acknowledged #4 c add s 3")).anyMatch(v -> v.contains("7, which was never added"));
    }
}
