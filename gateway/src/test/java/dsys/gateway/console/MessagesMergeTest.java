package dsys.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.gateway.problem.ProblemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesMergeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode journal(String node, long... seqTimeLamport) throws Exception {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < seqTimeLamport.length; i += 3) {
      if (i > 0) entries.append(',');
      entries.append(String.format("{\"seq\":%d,\"event\":\"send\",\"node\":\"%s\",\"time\":%d,\"lamport\":%d}",
          seqTimeLamport[i], node, seqTimeLamport[i + 1], seqTimeLamport[i + 2]));
    }
    return JSON.readTree("{\"node\":\"" + node + "\",\"entries\":[" + entries + "]}");
  }

  @Test
  void entriesOfAllNodesComeInTimeThenLamportOrderAndTheCursorMovesPerNode() throws Exception {
    Map<String, Object> merged = MessagesController.merge(List.of(
        new MessagesController.NodeJournal("kv-1", journal("kv-1", 4, 300, 9, 5, 100, 2)),
        new MessagesController.NodeJournal("kv-2", journal("kv-2", 10, 300, 7)),
        new MessagesController.NodeJournal("kv-3", null)), MessagesController.parse("kv-1:3,kv-3:12"));
    @SuppressWarnings("unchecked")
    List<JsonNode> entries = (List<JsonNode>) merged.get("entries");
    assertThat(entries).extracting(e -> e.path("node").asText() + "@" + e.path("time").asLong() + "/L" + e.path("lamport").asLong())
        .containsExactly("kv-1@100/L2", "kv-2@300/L7", "kv-1@300/L9");
    // kv-3 did not answer: it keeps its place and is asked again from there.
    assertThat(merged.get("after")).isEqualTo("kv-1:5,kv-2:10,kv-3:12");
    assertThat(merged.get("silent")).isEqualTo(List.of("kv-3"));
  }

  @Test
  void aCursorThatIsNotOneTheGatewayGaveIsA400() {
    assertThat(MessagesController.parse("")).isEmpty();
    for (String bad : List.of("kv-1", "kv-1:x", "kv-1:1;rm", ":1", "kv-1:1,")) {
      assertThatThrownBy(() -> MessagesController.parse(bad)).as(bad).isInstanceOf(ProblemException.class)
          .hasMessageContaining("node:seq pairs");
    }
  }
}
