package dsys.verifier.history;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryReaderTest {

    @Test
    void readsAllFieldsIgnoresUnknownOnesAndPairsCalls() {
        History h = HistoryReader.parse("""
                {"index":0,"time":10,"process":1,"node":"kv-1","type":"invoke","f":"cas","key":7,"value":[1,2],"extra":true}

                {"index":1,"time":20,"process":1,"node":"kv-1","type":"fail","f":"cas","key":7,"value":[1,2],"error":{"code":412}}
                {"index":2,"time":30,"process":"nemesis","type":"info","f":"partition","value":[["kv-1"],["kv-2"]]}
                """);
        assertThat(h.ops()).hasSize(3);
        Op inv = h.ops().get(0);
        assertThat(inv.process()).isEqualTo("1");
        assertThat(inv.key()).isEqualTo("7");
        assertThat(inv.value()).isEqualTo(List.of(1L, 2L));
        assertThat(h.ops().get(1).error()).isEqualTo("{\"code\":412}");
        assertThat(h.lineOf(1)).isEqualTo(3);
        assertThat(h.calls()).singleElement().satisfies(c -> {
            assertThat(c.isFail()).isTrue();
            assertThat(c.completionPos()).isEqualTo(1);
        });
        assertThat(h.nemesisOps()).hasSize(1);
    }

    @Test
    void missingIndexAndTimeDefault() {
        History h = HistoryReader.parse("""
                {"process":"p","type":"invoke","f":"read"}
                {"process":"p","type":"ok","f":"read","value":3}
                """);
        assertThat(h.ops()).extracting(Op::index).containsExactly(0L, 1L);
        assertThat(h.calls().get(0).output()).isEqualTo(3L);
    }

    @Test
    void malformedLinesNameTheLineAndTheField() {
        String ok = "{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\"}\n";
        assertError(ok + "{\"process\":\"p\",\"type\":\"okay\",\"f\":\"read\"}", 2, "type", "expected one of invoke, ok, fail, info");
        assertError(ok + "{\"process\":\"p\",\"type\":\"ok\"}", 2, "f", "is required");
        assertError("{\"type\":\"invoke\",\"f\":\"read\"}", 1, "process", "is required");
        assertError("{\"process\":[1],\"type\":\"invoke\",\"f\":\"read\"}", 1, "process", "string or an integer");
        assertError("{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\",\"time\":\"soon\"}", 1, "time", "expected an integer");
        assertError("{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\",\"key\":{}}", 1, "key", "string or an integer");
        assertError("{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\",\"index\":1.5}", 1, "index", "expected an integer");
        assertError(ok + "{\"process\":\"p\",", 2, null, "not valid JSON");
        assertError("[1,2]", 1, null, "expected a JSON object");
        assertError("{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\"} trailing", 1, null, "not valid JSON");
    }

    @Test
    void structuralErrorsNameTheLineAndTheField() {
        String inv = "{\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\"}\n";
        assertError("\n" + inv + inv, 3, "type", "invoked again before its call at line 2 completed");
        assertError("{\"process\":\"p\",\"type\":\"ok\",\"f\":\"read\"}", 1, "type", "without a pending invoke");
        assertError(inv + "{\"process\":\"p\",\"type\":\"ok\",\"f\":\"write\"}", 2, "f", "does not match");
        assertError(inv + "{\"process\":\"p\",\"type\":\"ok\",\"f\":\"read\",\"key\":\"y\"}", 2, "key", "does not match");
        assertError(inv + "{\"process\":\"p\",\"type\":\"info\",\"f\":\"read\"}\n" + inv, 3, "process", "invoked after an info");
        assertError("{\"index\":5,\"process\":\"p\",\"type\":\"invoke\",\"f\":\"read\"}\n{\"index\":5,\"process\":\"q\",\"type\":\"invoke\",\"f\":\"read\"}",
                2, "index", "strictly increase");
    }

    private static void assertError(String jsonl, int line, String field, String detail) {
        assertThatThrownBy(() -> HistoryReader.parse(jsonl)).isInstanceOf(HistoryFormatException.class)
                .satisfies(e -> {
                    HistoryFormatException f = (HistoryFormatException) e;
                    assertThat(f.line()).as(f.getMessage()).isEqualTo(line);
                    assertThat(f.field()).as(f.getMessage()).isEqualTo(field);
                })
                .hasMessageContaining(detail);
    }

    @Test
    void writerOutputReadsBackEqual() {
        HistoryRecorder rec = new HistoryRecorder();
        rec.invoke("c1", "kv-2", "write", "x", Map.of("a", List.of(1, "two"))).ok();
        rec.invoke("c2", "read", "x", null).ok(Map.of("a", List.of(1, "two")));
        rec.nemesis("heal", null);
        rec.invoke("c3", "cas", "x", List.of(1, 2)).info("timeout");
        History h = rec.history();
        StringWriter out = new StringWriter();
        try (HistoryWriter w = new HistoryWriter(out)) {
            h.ops().forEach(w::append);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(HistoryReader.parse(out.toString()).ops()).isEqualTo(h.ops());
    }
}
