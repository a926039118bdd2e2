package dsys.verifier.consistency;

import dsys.verifier.history.History;
import org.junit.jupiter.api.Test;

import static dsys.verifier.TestHistories.parse;
import static dsys.verifier.consistency.ConsistencyModel.CAUSAL;
import static dsys.verifier.consistency.ConsistencyModel.LINEARIZABLE;
import static dsys.verifier.consistency.ConsistencyModel.MONOTONIC_READS;
import static dsys.verifier.consistency.ConsistencyModel.MONOTONIC_WRITES;
import static dsys.verifier.consistency.ConsistencyModel.PRAM;
import static dsys.verifier.consistency.ConsistencyModel.READ_YOUR_WRITES;
import static dsys.verifier.consistency.ConsistencyModel.SEQUENTIAL;
import static dsys.verifier.consistency.ConsistencyModel.STRICT;
import static dsys.verifier.consistency.ConsistencyModel.WRITES_FOLLOW_READS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsistencyClassifierTest {

    private static Classification classify(String table) {
        return ConsistencyClassifier.classify(PointHistories.parse(table));
    }

    @Test
    void goingBackToAnOlderValueBreaksMonotonicReads() {
        Classification c = classify("""
                P1:\tW(x)a\tW(x)b
                P2:\t\t\tR(x)a\tR(x)b\tR(x)a
                """);
        assertThat(c.satisfies(MONOTONIC_READS)).as(c.toString()).isFalse();
        assertThat(c.satisfies(READ_YOUR_WRITES)).as(c.toString()).isTrue();
    }

    @Test
    void seeingWritesOfOneProcessOutOfOrderBreaksMonotonicWritesOnly() {
        Classification c = classify("""
                P1:\tW(x)a\tW(x)b
                P2:\t\t\tR(x)b\tR(x)a
                """);
        assertThat(c.satisfies(MONOTONIC_READS)).as("another replica may have applied b, then a").isTrue();
        assertThat(c.satisfies(MONOTONIC_WRITES)).as(c.toString()).isFalse();
        assertThat(c.satisfies(PRAM)).isFalse();
    }

    @Test
    void notSeeingOwnWriteBreaksReadYourWrites() {
        Classification c = classify("P1:\tW(x)a\tR(x)NIL");
        assertThat(c.satisfies(READ_YOUR_WRITES)).as(c.toString()).isFalse();
        assertThat(c.satisfies(MONOTONIC_READS)).isTrue();
        assertThat(c.satisfies(MONOTONIC_WRITES)).isTrue();
        assertThat(c.satisfies(WRITES_FOLLOW_READS)).isTrue();
        assertThat(c.reasons().get(READ_YOUR_WRITES)).contains("P1");
    }

    @Test
    void writeAfterReadSeenBeforeTheReadValueBreaksWritesFollowReadsOnly() {
        Classification c = classify("""
                P1:\tW(x)a
                P2:\t\tR(x)a\tW(x)b
                P3:\t\t\t\tR(x)b\tR(x)a
                """);
        assertThat(c.satisfies(WRITES_FOLLOW_READS)).as(c.toString()).isFalse();
        assertThat(c.satisfies(MONOTONIC_READS)).isTrue();
        assertThat(c.satisfies(MONOTONIC_WRITES)).isTrue();
        assertThat(c.satisfies(READ_YOUR_WRITES)).isTrue();
    }

    @Test
    void independentKeysDoNotConstrainEachOther() {
        Classification c = classify("""
                P1:\tW(x)a\tR(y)NIL
                P2:\tW(y)b\tR(x)NIL
                """);
        assertThat(c.satisfies(SEQUENTIAL)).as("each read misses the other's write: no interleaving explains both").isFalse();
        assertThat(c.satisfies(CAUSAL)).isTrue();
    }

    @Test
    void readOfAValueNeverWrittenSatisfiesNothing() {
        Classification c = classify("P1:\tW(x)a\nP2:\t\tR(x)z");
        for (ConsistencyModel m : ConsistencyModel.values()) assertThat(c.satisfies(m)).as(m.id()).isFalse();
        assertThat(c.reasons().get(PRAM)).contains("no write wrote");
    }

    @Test
    void crashedWriteSeenByAReadTookEffect() {
        History h = parse("""
                p1 invoke write x 1
                p1 info write x 1
                p2 invoke read x -
                p2 ok read x 1
                p2 invoke read x -
                p2 ok read x 1
                """);
        Classification c = ConsistencyClassifier.classify(h);
        assertThat(c.satisfies(STRICT)).as(c.toString()).isTrue();
    }

    @Test
    void crashedWriteNobodySawMayNeverHaveHappened() {
        History h = parse("""
                p1 invoke write x 1
                p1 ok write x 1
                p2 invoke write x 2
                p2 info write x 2
                p3 invoke read x -
                p3 ok read x 1
                """);
        assertThat(ConsistencyClassifier.classify(h).satisfies(STRICT)).isTrue();
        History seen = parse("""
                p1 invoke write x 1
                p1 ok write x 1
                p2 invoke write x 2
                p2 info write x 2
                p3 invoke read x -
                p3 ok read x 2
                p3 invoke read x -
                p3 ok read x 1
                """);
        Classification c = ConsistencyClassifier.classify(seen);
        assertThat(c.satisfies(LINEARIZABLE)).as("2 took effect after 1, so 1 cannot come back").isFalse();
        assertThat(c.satisfies(MONOTONIC_READS)).as("but another replica may apply 2 first").isTrue();
    }

    @Test
    void rejectsHistoriesItCannotClassify() {
        assertThatThrownBy(() -> ConsistencyClassifier.classify(parse("p1 invoke write x 1", "p1 ok write x 1",
                "p2 invoke write x 1", "p2 ok write x 1"))).hasMessageContaining("unique values");
        assertThatThrownBy(() -> ConsistencyClassifier.classify(parse("p1 invoke cas x [1,2]", "p1 ok cas x [1,2]")))
                .hasMessageContaining("read and write only");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 65; i++) big.append("p1 invoke write x ").append(i + 1).append("\np1 ok write x ").append(i + 1).append('\n');
        assertThatThrownBy(() -> ConsistencyClassifier.classify(parse(big.toString()))).hasMessageContaining("at most 64");
    }

    @Test
    void modelIdsRoundTrip() {
        for (ConsistencyModel m : ConsistencyModel.values()) assertThat(ConsistencyModel.byId(m.id())).isEqualTo(m);
        assertThat(ConsistencyModel.byId("fifo")).isEqualTo(PRAM);
        assertThat(ConsistencyModel.byId("eventual")).isNull();
    }
}
