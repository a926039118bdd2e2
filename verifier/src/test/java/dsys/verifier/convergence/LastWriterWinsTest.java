package dsys.verifier.convergence;

import dsys.verifier.CheckResult;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LastWriterWinsTest {

    /** a writes 1 at version 9.kv-1; later in real time b writes 2 at kv-2, which had not heard of it: 5.kv-2. */
    private static final History H = HistoryReader.parse("""
            {"process":"a","type":"invoke","f":"write","key":"x","value":1}
            {"process":"a","type":"ok","f":"write","key":"x","value":1,"version":"9.kv-1"}
            {"process":"b","type":"invoke","f":"write","key":"x","value":2}
            {"process":"b","type":"ok","f":"write","key":"x","value":2,"version":"5.kv-2"}
            {"process":"c","type":"invoke","f":"delete","key":"y","value":null}
            {"process":"c","type":"ok","f":"delete","key":"y","value":null,"version":"7.kv-3"}
            """);

    @Test
    void theHighestVersionWinsEvenAgainstRealTime() {
        CheckResult lww = LastWriterWins.check(H, Map.of("kv-1", Map.of("x", "9.kv-1", "y", "7.kv-3"), "kv-2", Map.of("x", "9.kv-1", "y", "0.")));
        assertThat(lww.isValid()).as("y's certificate may be collected").isTrue();
        assertThat(ConvergenceChecker.check(H, Map.of("kv-1", Map.of("x", 1))).violations())
                .as("by real time the same state lost b's write").singleElement().asString().contains("was lost");
    }

    @Test
    void aReplicaKeepingALowerVersionIsInvalid() {
        CheckResult r = LastWriterWins.check(H, Map.of("kv-3", Map.of("x", "5.kv-2")));
        assertThat(r.violations()).containsExactly("key x: kv-3 holds version 5.kv-2, below the acknowledged #0 a write x 1 -> ok"
                + " at version 9.kv-1: the last writer did not win");
        assertThat(LastWriterWins.check(H, Map.of("kv-1", Map.of("x", "0."))).isValid()).as("a write's value gone").isFalse();
        assertThat(LastWriterWins.check(H, Map.of("kv-1", Map.of("y", "6.kv-3"))).isValid()).isFalse();
    }
}
