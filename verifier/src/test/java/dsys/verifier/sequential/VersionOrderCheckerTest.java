package dsys.verifier.sequential;

import dsys.verifier.CheckResult;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionOrderCheckerTest {

    private static String call(String process, String f, String key, Object in, Object out, String version) {
        String v = in == null ? "null" : in instanceof String s && !s.startsWith("[") ? "\"" + s + "\"" : String.valueOf(in);
        String o = out == null ? "null" : "\"" + out + "\"";
        return "{\"process\":\"" + process + "\",\"type\":\"invoke\",\"f\":\"" + f + "\",\"key\":\"" + key + "\",\"value\":" + v + "}\n"
                + "{\"process\":\"" + process + "\",\"type\":\"ok\",\"f\":\"" + f + "\",\"key\":\"" + key + "\",\"value\":"
                + (f.equals("read") ? o : v) + (version == null ? "" : ",\"version\":\"" + version + "\"") + "}\n";
    }

    private static CheckResult check(String jsonl) {
        return VersionOrderChecker.check(HistoryReader.parse(jsonl));
    }

    @Test
    void aStaleReadIsSequentialButReadingBackwardsIsNot() {
        // p1 writes x=a (1.n1) then x=b (3.n1); p2 reads b, later a stale replica gives p3 a: fine, p3 is behind
        String ok = call("p1", "write", "x", "a", null, "1.n1") + call("p1", "write", "x", "b", null, "3.n1")
                + call("p2", "read", "x", null, "b", "3.n1") + call("p3", "read", "x", null, "a", "1.n1");
        assertThat(check(ok).isValid()).as(check(ok).toString()).isTrue();
        // but one process reading b and then a goes back in the order
        String back = ok + call("p2", "read", "x", null, "a", "1.n1");
        CheckResult r = check(back);
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations()).singleElement().asString().contains("process p2 read 1.n1", "3.n1");
    }

    @Test
    void acrossKeysTheOneOrderMustHoldToo() {
        // the notes' classic: p1 writes x then reads y as nothing; p2 writes y then reads x as nothing: not sequential
        String h = call("p1", "write", "x", "1", null, "1.n1") + call("p2", "write", "y", "1", null, "1.n2")
                + call("p1", "read", "y", null, null, null) + call("p2", "read", "x", null, null, null);
        CheckResult r = check(h);
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations()).singleElement().asString().contains("no one order of all writes explains");
        // one of them seeing the other's write is fine
        String fine = call("p1", "write", "x", "1", null, "1.n1") + call("p2", "write", "y", "1", null, "1.n2")
                + call("p1", "read", "y", null, null, null) + call("p2", "read", "x", null, "1", "1.n1");
        assertThat(check(fine).isValid()).as(check(fine).toString()).isTrue();
    }

    @Test
    void aProcessWhoseWritesAreOrderedAgainstItsProgramIsInvalid() {
        String h = call("p1", "write", "x", "a", null, "5.n1") + call("p1", "write", "x", "b", null, "2.n1");
        assertThat(check(h).violations()).singleElement().asString().contains("process p1 wrote 2.n1", "puts later");
    }

    @Test
    void aVersionWithTwoValuesIsInvalidAndCompareAndSetWritesItsNewValue() {
        String two = call("p1", "write", "x", "a", null, "1.n1") + call("p2", "read", "x", null, "z", "1.n1");
        assertThat(check(two).violations()).singleElement().asString().contains("version 1.n1 carries a and z");
        String cas = call("p1", "cas", "x", "[null,\"c\"]", null, "4.n2") + call("p2", "read", "x", null, "c", "4.n2");
        assertThat(check(cas).isValid()).as(check(cas).toString()).isTrue();
    }

    @Test
    void failedAndUnknownCallsAreLeftOut() {
        String h = call("p1", "write", "x", "a", null, "1.n1")
                + "{\"process\":\"p2\",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":\"q\"}\n"
                + "{\"process\":\"p2\",\"type\":\"fail\",\"f\":\"write\",\"key\":\"x\",\"value\":\"q\",\"error\":\"503\"}\n"
                + "{\"process\":\"p3\",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":\"u\"}\n"
                + "{\"process\":\"p3\",\"type\":\"info\",\"f\":\"write\",\"key\":\"x\",\"value\":\"u\",\"error\":\"504\"}\n"
                + call("p4", "read", "x", null, "u", "2.n3") + call("p4", "read", "x", null, "u", "2.n3");
        assertThat(check(h).isValid()).as(check(h).toString()).isTrue();
    }
}
