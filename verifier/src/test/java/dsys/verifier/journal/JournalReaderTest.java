package dsys.verifier.journal;

import dsys.verifier.history.HistoryFormatException;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalReaderTest {

    @Test
    void readsTheSimulatorFormatAndIgnoresExtraFields() {
        List<MessageEvent> events = JournalReader.parse("""
                {"event":"send","node":"kv-1","peer":"kv-2","msgId":"m1","type":"prepare","lamport":12,"vector":{"kv-1":3,"kv-2":1},"time":5,"payload":{"x":1}}
                {"event":"receive","node":"kv-2","peer":"kv-1","msgId":"m1","type":"prepare","lamport":13,"vector":{"kv-1":3,"kv-2":2},"time":9}
                """);
        assertThat(events).containsExactly(
                MessageEvent.send("kv-1", "kv-2", "m1", "prepare", 12L, Map.of("kv-1", 3L, "kv-2", 1L), 5L),
                MessageEvent.receive("kv-2", "kv-1", "m1", "prepare", 13L, Map.of("kv-1", 3L, "kv-2", 2L), 9L));
        StringWriter out = new StringWriter();
        JournalWriter.write(events, out);
        assertThat(JournalReader.parse(out.toString())).isEqualTo(events);
    }

    @Test
    void malformedLinesNameTheLineAndTheField() {
        assertThatThrownBy(() -> JournalReader.parse("{\"event\":\"deliver\",\"node\":\"a\",\"peer\":\"b\",\"msgId\":\"m\"}"))
                .isInstanceOf(HistoryFormatException.class).hasMessage("line 1: field \"event\": expected send or receive, got \"deliver\"");
        assertThatThrownBy(() -> JournalReader.parse("\n{\"event\":\"send\",\"node\":\"a\",\"peer\":\"b\"}"))
                .hasMessage("line 2: field \"msgId\": is required");
        assertThatThrownBy(() -> JournalReader.parse("{\"event\":\"send\",\"node\":\"a\",\"peer\":\"b\",\"msgId\":1,\"vector\":{\"a\":\"x\"}}"))
                .hasMessageContaining("field \"vector\"");
    }
}
