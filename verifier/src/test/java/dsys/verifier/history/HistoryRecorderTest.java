package dsys.verifier.history;

import dsys.verifier.Verdict;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryRecorderTest {

    @Test
    void concurrentClientsOfARealRegisterRecordALinearizableHistory() throws Exception {
        HistoryRecorder rec = new HistoryRecorder();
        AtomicLong register = new AtomicLong();
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            String p = "c" + t;
            long base = (t + 1) * 1_000_000L;
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= 500; i++) {
                    if (i % 2 == 0) {
                        HistoryRecorder.Pending w = rec.invoke(p, "write", "x", base + i);
                        register.set(base + i);
                        w.ok();
                    } else {
                        HistoryRecorder.Pending r = rec.invoke(p, "read", "x", null);
                        long v = register.get();
                        r.ok(v == 0 ? null : v);
                    }
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) t.join();
        History h = rec.history();
        assertThat(h.calls()).hasSize(threads * 500).allMatch(c -> c.isOk());
        for (int i = 0; i < h.size(); i++) assertThat(h.ops().get(i).index()).isEqualTo(i);
        for (int i = 1; i < h.size(); i++) assertThat(h.ops().get(i).time()).isGreaterThanOrEqualTo(h.ops().get(i - 1).time());
        assertThat(new LinearizabilityChecker(RegisterModel.register()).check(h).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void journalsEachLineWhenItHappens() {
        StringWriter sink = new StringWriter();
        HistoryRecorder rec = new HistoryRecorder(() -> 42, new HistoryWriter(sink));
        HistoryRecorder.Pending p = rec.invoke("c1", "write", "x", 1);
        assertThat(sink.toString()).as("invoke journaled before the request goes out")
                .isEqualTo("{\"index\":0,\"time\":42,\"process\":\"c1\",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":1}\n");
        p.fail("409");
        assertThat(sink.toString().lines()).hasSize(2).last().asString().contains("\"type\":\"fail\"", "\"error\":\"409\"");
    }

    @Test
    void sessionAndVersionAreJournaledAndReadBack() {
        StringWriter sink = new StringWriter();
        HistoryRecorder rec = new HistoryRecorder(() -> 7, new HistoryWriter(sink));
        rec.invoke("c1", "kv-2", "s1", "write", "x", 5).ok(5, "1712.kv-2");
        rec.invoke("c2", "read", "x", null).ok(5);
        assertThat(sink.toString().lines().toList().get(1)).contains("\"session\":\"s1\"", "\"version\":\"1712.kv-2\"");
        History h = HistoryReader.parse(sink.toString());
        assertThat(h.calls().get(0).session()).isEqualTo("s1");
        assertThat(h.calls().get(0).version()).isEqualTo("1712.kv-2");
        assertThat(h.calls().get(1).session()).as("optional: absent from calls without a session").isNull();
        assertThat(h.calls().get(1).version()).isNull();
        assertThat(h.ops()).isEqualTo(rec.history().ops());
    }

    @Test
    void enforcesTheHistoryRules() {
        HistoryRecorder rec = new HistoryRecorder();
        HistoryRecorder.Pending p = rec.invoke("c1", "read", "x", null);
        assertThatThrownBy(() -> rec.invoke("c1", "read", "x", null)).hasMessageContaining("in flight");
        p.info("timeout");
        assertThatThrownBy(() -> p.ok(null)).hasMessageContaining("already completed");
        assertThatThrownBy(() -> rec.invoke("c1", "read", "x", null)).hasMessageContaining("new id");
        assertThatThrownBy(() -> rec.invoke("nemesis", "read", "x", null)).hasMessageContaining("nemesis()");
    }
}
