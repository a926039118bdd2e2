package dsys.txn.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TxnRestoreGateTest {

    @Test
    void aRestoreWaitsForTransactions_andTransactionsForARestore() {
        AtomicInteger notEnded = new AtomicInteger();
        TxnRestoreGate gate = new TxnRestoreGate(notEnded::get);
        assertThat(gate.enter()).isTrue();
        assertThat(gate.close()).as("one being run").contains("1 transaction(s) being run");
        gate.leave();
        notEnded.set(2);
        assertThat(gate.close()).as("blocked in the log").contains("2 not ended");
        notEnded.set(0);
        assertThat(gate.close()).isNull();
        assertThat(gate.close()).isEqualTo("another restore is running");
        assertThat(gate.enter()).as("refused during the restore").isFalse();
        gate.open();
        assertThat(gate.enter()).isTrue();
    }

    /** Begins racing a restore: whenever the restore got the gate, no begin was inside. */
    @Test
    void underARace_aRestoreNeverRunsBesideATransaction() throws Exception {
        TxnRestoreGate gate = new TxnRestoreGate(() -> 0);
        AtomicInteger inside = new AtomicInteger(), overlaps = new AtomicInteger(), restores = new AtomicInteger();
        Thread[] begins = new Thread[4];
        long end = System.nanoTime() + 300_000_000L;
        for (int i = 0; i < begins.length; i++) {
            begins[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (!gate.enter()) continue;
                    inside.incrementAndGet();
                    Thread.onSpinWait();
                    inside.decrementAndGet();
                    gate.leave();
                }
            });
            begins[i].start();
        }
        while (System.nanoTime() < end) {
            if (gate.close() != null) continue;
            restores.incrementAndGet();
            if (inside.get() != 0) overlaps.incrementAndGet();
            gate.open();
        }
        for (Thread t : begins) t.join();
        assertThat(restores.get()).as("some restores got the gate").isPositive();
        assertThat(overlaps.get()).isZero();
    }
}
