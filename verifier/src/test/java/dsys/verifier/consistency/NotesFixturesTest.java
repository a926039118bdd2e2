package dsys.verifier.consistency;

import org.junit.jupiter.api.Test;

import static dsys.verifier.consistency.ConsistencyModel.CAUSAL;
import static dsys.verifier.consistency.ConsistencyModel.LINEARIZABLE;
import static dsys.verifier.consistency.ConsistencyModel.PRAM;
import static dsys.verifier.consistency.ConsistencyModel.SEQUENTIAL;
import static dsys.verifier.consistency.ConsistencyModel.STRICT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of the seed notes' consistency chapter (副本与一致性, 2.1) with the verdicts
 * the notes state. Tables use tab-separated columns of time, as the notes do.
 */
class NotesFixturesTest {

    private static Classification classify(String table) {
        return ConsistencyClassifier.classify(PointHistories.parse(table));
    }

    /** 2.1.1.5.2, the table verbatim: FIFO-consistent, and (the usual point of it) not causal. */
    @Test
    void fifoTableIsFifoButNotCausal() {
        Classification c = classify("""
                P1:\tW(x)a\t\t
                P2:\tR(x)a\tW(x)b\tW(x)c
                P3:\t\tR(x)b\tR(x)a
                P4:\tR(x)a\tR(x)b\tR(x)c
                """);
        assertThat(c.satisfies(PRAM)).as(c.toString()).isTrue();
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isFalse();
        assertThat(c.strongest()).isEqualTo(PRAM);
    }

    /**
     * 2.1.1.4.2 (a) "A violation of a causally-consistent store. W2(x)b may be related to
     * W1(x)a": P2 read a before writing b, yet P3 sees b before a. The text gives P2's ops
     * and the caption; P3 and P4's rows are those of the textbook figure it captions.
     */
    @Test
    void causalExampleAIsNotCausal() {
        Classification c = classify("""
                P1:\tW(x)a
                P2:\t\tR(x)a\tW(x)b
                P3:\t\t\t\tR(x)b\tR(x)a
                P4:\t\t\t\tR(x)a\tR(x)b
                """);
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isFalse();
        assertThat(c.satisfies(PRAM)).as(c.toString()).isTrue();
    }

    /** 2.1.1.4.2 (b) "A correct sequence of events in a causally-consistent store": concurrent writes. */
    @Test
    void causalExampleBIsCausalButNotSequential() {
        Classification c = classify("""
                P1:\tW(x)a
                P2:\t\tW(x)b
                P3:\t\t\tR(x)b\tR(x)a
                P4:\t\t\tR(x)a\tR(x)b
                """);
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isTrue();
        assertThat(c.satisfies(SEQUENTIAL)).as(c.toString()).isFalse();
        assertThat(c.strongest()).isEqualTo(CAUSAL);
    }

    /**
     * 2.1.1.4.2, first example: "P2 写入的 3 是基于它读出来的 1 … P4 没有观测到这个因果关系，
     * 所以这个系统不具备 Causal Consistency". The figure is not in the text; the rows follow its
     * description (P2 reads 1 then writes 3; P4 sees 3 before 1).
     */
    @Test
    void writeBasedOnAReadMustBeSeenAfterIt() {
        Classification c = classify("""
                P1:\tW(x)1
                P2:\t\tR(x)1\tW(x)3
                P3:\t\tR(x)1\t\tR(x)3
                P4:\t\t\t\tR(x)3\tR(x)1
                """);
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isFalse();
    }

    /** 2.1.1.4.2, second example: "P2写入3和P1写入1不具有因果关系 … 具有Causal consistency，但是不具备Sequential Consistency". */
    @Test
    void concurrentWritesMaBeSeenInEitherOrder() {
        Classification c = classify("""
                P1:\tW(x)1
                P2:\tW(x)3
                P3:\t\tR(x)1\tR(x)3
                P4:\t\tR(x)3\tR(x)1
                """);
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isTrue();
        assertThat(c.satisfies(SEQUENTIAL)).as(c.toString()).isFalse();
    }

    /**
     * The textbook pair (Tanenbaum & van Steen, fig. 7-5 (a)): every process sees b before a,
     * so one interleaving explains all (sequential), but a was written before b in real time
     * and then read after b: not linearizable.
     */
    @Test
    void sequentialButNotLinearizable() {
        Classification c = classify("""
                P1:\tW(x)a
                P2:\t\tW(x)b
                P3:\t\t\tR(x)b\tR(x)a
                P4:\t\t\tR(x)b\tR(x)a
                """);
        assertThat(c.satisfies(SEQUENTIAL)).as(c.toString()).isTrue();
        assertThat(c.satisfies(LINEARIZABLE)).as(c.toString()).isFalse();
    }

    /** Its counterpart: the same reads, now in the real-time order of the writes, are linearizable (and strict). */
    @Test
    void linearizableCounterpart() {
        Classification c = classify("""
                P1:\t\tW(x)a
                P2:\tW(x)b
                P3:\tR(x)b\t\tR(x)a
                P4:\tR(x)b\t\tR(x)a
                """);
        assertThat(c.satisfies(LINEARIZABLE)).as(c.toString()).isTrue();
        assertThat(c.satisfies(STRICT)).as(c.toString()).isTrue();
    }

    /** Fig. 7-5 (b): P3 and P4 disagree on the order of the writes, so not sequential. */
    @Test
    void disagreeingOrderIsNotSequential() {
        Classification c = classify("""
                P1:\tW(x)a
                P2:\t\tW(x)b
                P3:\t\t\tR(x)b\tR(x)a
                P4:\t\t\tR(x)a\tR(x)b
                """);
        assertThat(c.satisfies(SEQUENTIAL)).as(c.toString()).isFalse();
        assertThat(c.satisfies(CAUSAL)).as(c.toString()).isTrue();
    }
}
