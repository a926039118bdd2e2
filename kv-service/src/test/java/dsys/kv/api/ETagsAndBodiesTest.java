package dsys.kv.api;

import dsys.kv.quorum.Ballot;
import dsys.platform.web.ProblemException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ETagsAndBodiesTest {

    @Test
    void entityTagsNameVersions() {
        Ballot v = new Ballot(1712, "kv-2");
        assertThat(ETags.of(v)).isEqualTo("\"1712.kv-2\"");
        assertThat(ETags.parse("\"1712.kv-2\"")).isEqualTo(v);
        assertThat(ETags.parse("W/\"1712.kv-2\"")).isEqualTo(v);
        assertThat(ETags.parse("1712.kv-2")).isEqualTo(v);
        assertThatThrownBy(() -> ETags.parse("\"0.\"")).isInstanceOf(ProblemException.class).hasMessageContaining("names no write");
        assertThatThrownBy(() -> ETags.parse("abc")).isInstanceOf(ProblemException.class).hasMessageContaining("looks like");
    }

    @Test
    void preconditionsOfAWrite() {
        assertThat(ETags.precondition(null, null)).isNull();
        assertThat(ETags.precondition(null, "*")).isEqualTo(Ballot.ZERO);
        assertThat(ETags.precondition("\"5.kv-1\"", null)).isEqualTo(new Ballot(5, "kv-1"));
        assertThatThrownBy(() -> ETags.precondition("*", null)).hasMessageContaining("not supported");
        assertThatThrownBy(() -> ETags.precondition("\"5.kv-1\"", "*")).hasMessageContaining("not both");
        assertThatThrownBy(() -> ETags.precondition(null, "\"5.kv-1\"")).hasMessageContaining("create only");
    }

    @Test
    void bodiesComeBackAsStored() {
        byte[] text = "grüße\n".getBytes(StandardCharsets.UTF_8);
        String stored = new StoredValue("text/plain; charset=utf-8", text).encode();
        assertThat(stored).isEqualTo("t text/plain; charset=utf-8\ngrüße\n");
        assertThat(StoredValue.decode(stored).body()).isEqualTo(text);
        byte[] binary = {(byte) 0xff, 0, (byte) 0xc3};
        StoredValue back = StoredValue.decode(new StoredValue(null, binary).encode());
        assertThat(back.body()).isEqualTo(binary);
        assertThat(back.contentType()).isEqualTo("application/octet-stream");
    }
}
