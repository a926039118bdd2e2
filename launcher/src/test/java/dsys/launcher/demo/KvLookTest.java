package dsys.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.launcher.demo.KvLook.Version;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The versions and replica surveys the kv mode demos judge by, read as the service writes them. */
class KvLookTest {

    @Test
    void versionsOrderByLamportTimeThenNodeAsTheModesDo() {
        assertThat(Version.parse("\"41.kv-2\"")).isEqualTo(new Version(41, "kv-2"));
        assertThat(Stream.of("42.kv-1", "41.kv-3", "41.kv-2", "9.kv-3").map(Version::parse).sorted().map(Version::toString))
                .containsExactly("9.kv-3", "41.kv-2", "41.kv-3", "42.kv-1");
        assertThat(Version.parse("41.kv-2").stamp()).isEqualTo("(Lamport 41, kv-2)");
        assertThat(Version.parse("0.")).as("none, as ETags show it").isEqualTo(new Version(0, ""));
        assertThat(Stream.of(null, "kv-2", "x.kv-2").map(Version::parse).toList()).containsOnlyNulls();
    }

    @Test
    void aSurveyHoldsAValueOnlyWhenEveryReplicaAnsweredWithIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode same = json.readTree("{\"newest\":\"5.kv-1\",\"replicas\":[{\"node\":\"kv-1\",\"state\":\"value\",\"version\":\"5.kv-1\","
                + "\"value\":\"v\"},{\"node\":\"kv-2\",\"state\":\"value\",\"version\":\"5.kv-1\",\"value\":\"v\"}]}");
        JsonNode silent = json.readTree("{\"replicas\":[{\"node\":\"kv-1\",\"state\":\"value\",\"value\":\"v\"},"
                + "{\"node\":\"kv-2\",\"state\":\"no-answer\"}]}");
        JsonNode dead = json.readTree("{\"replicas\":[{\"node\":\"kv-1\",\"state\":\"tombstone\",\"version\":\"7.kv-2\"}]}");
        assertThat(KvLook.allHold(same, "v")).isTrue();
        assertThat(KvLook.allHold(same, "w")).isFalse();
        assertThat(KvLook.allHold(silent, "v")).isFalse();
        assertThat(KvLook.allHold(json.readTree("{}"), "v")).as("no replica answered").isFalse();
        assertThat(KvLook.allState(dead, "tombstone")).isTrue();
        assertThat(KvLook.allState(silent, "value")).isFalse();
        assertThat(KvLook.shown(silent)).isEqualTo("kv-1 \"v\" · kv-2 no-answer");
        assertThat(KvLook.shown(dead)).isEqualTo("kv-1 tombstone 7.kv-2");
        assertThat(KvLook.replicas(json.readTree("{\"replicas\":[\"kv-1\",\"kv-3\"]}"))).isEqualTo(List.of("kv-1", "kv-3"));
    }
}
