package dsys.verifier.session;

import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dsys.verifier.TestHistories.parse;
import static org.assertj.core.api.Assertions.assertThat;

class SessionCheckerTest {

    /**
     * TestHistories lines, a completion optionally ending in {@code @version}; every call of a process whose name
     * starts with {@code p} carries session {@code session} (null: none asked for).
     */
    private static History history(String session, String text) {
        List<String> lines = new ArrayList<>(), versions = new ArrayList<>();
        for (String l : text.strip().split("\n")) {
            int at = l.indexOf(" @");
            lines.add(at < 0 ? l : l.substring(0, at));
            versions.add(at < 0 ? null : l.substring(at + 2).strip());
        }
        List<Op> ops = new ArrayList<>();
        for (Op o : parse(String.join("\n", lines)).ops()) {
            ops.add(new Op(o.index(), o.time(), o.process(), o.node(), o.type(), o.f(), o.key(), o.value(), o.error(),
                    o.process().startsWith("p") ? session : null, versions.get((int) o.index())));
        }
        return History.of(ops);
    }

    private static SessionResult asked(String text) {
        return SessionChecker.check(history("s1", text));
    }

    private static String only(SessionResult r, Guarantee g) {
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(SessionResult.count(r.requesting())).isEqualTo(1);
        assertThat(r.requesting().get(g)).hasSize(1);
        return r.requesting().get(g).get(0).text();
    }

    @Test
    void aSessionThatSeesItsOwnWritesInOrderPasses() {
        SessionResult r = asked("""
                p invoke write x 1
                p ok write x 1 @5.kv-1
                p invoke read x -
                p ok read x 1 @5.kv-1
                q invoke write x 2
                q ok write x 2 @7.kv-2
                p invoke read x -
                p ok read x 2 @7.kv-2
                p invoke write x 3
                p ok write x 3 @8.kv-3
                p invoke delete x -
                p ok delete x - @9.kv-1
                p invoke read x -
                p ok read x null @9.kv-1
                p invoke read y -
                p ok read y null @0.
                """);
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(SessionResult.count(r.requesting()) + SessionResult.count(r.without())).isZero();
        assertThat(r.checked()).isEqualTo(8);
        assertThat(r.requestingSessions()).isEqualTo(1);
        assertThat(r.otherSessions()).isEqualTo(1);
    }

    @Test
    void readYourWritesFailsOnAReadOlderThanTheSessionsWrite() {
        String m = only(asked("""
                p invoke write x 1
                p ok write x 1 @5.kv-1
                p invoke read x -
                p ok read x 0 @3.kv-2
                """), Guarantee.READ_YOUR_WRITES);
        assertThat(m).startsWith("read-your-writes violated: session s1, key x:")
                .contains("version 3.kv-2", "write at 5.kv-1", "#0 p write x 1", "#2 p read x");
    }

    @Test
    void monotonicReadsFailsOnAReadOlderThanAnEarlierRead() {
        String m = only(asked("""
                p invoke read x -
                p ok read x 7 @5.kv-1
                p invoke read x -
                p ok read x 6 @4.kv-3
                """), Guarantee.MONOTONIC_READS);
        assertThat(m).startsWith("monotonic-reads violated: session s1, key x:").contains("#0 p read x", "#2 p read x", "4.kv-3");
    }

    @Test
    void monotonicWritesFailsOnALaterWriteOrderedFirst() {
        // Same counter: the node name decides, kv-1 before kv-2, so the second write would lose to the first.
        String m = only(asked("""
                p invoke write x 1
                p ok write x 1 @5.kv-2
                p invoke write x 2
                p ok write x 2 @5.kv-1
                """), Guarantee.MONOTONIC_WRITES);
        assertThat(m).startsWith("monotonic-writes violated: session s1, key x:").contains("#0 p write x 1", "#2 p write x 2");
    }

    @Test
    void writesFollowReadsFailsOnAWriteOrderedBeforeWhatTheSessionRead() {
        String m = only(asked("""
                q invoke write x 1
                q ok write x 1 @9.kv-1
                p invoke read x -
                p ok read x 1 @9.kv-1
                p invoke delete x -
                p ok delete x - @8.kv-3
                """), Guarantee.WRITES_FOLLOW_READS);
        assertThat(m).startsWith("writes-follow-reads violated: session s1, key x:").contains("#2 p read x", "#4 p delete x", "8.kv-3");
    }

    @Test
    void withoutTheHeaderViolationsAreCountedButDoNotFail() {
        SessionResult r = SessionChecker.check(history(null, """
                p invoke write x 1
                p ok write x 1 @5.kv-1
                p invoke read x -
                p ok read x 0 @3.kv-2
                """));
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.without().get(Guarantee.READ_YOUR_WRITES)).singleElement()
                .satisfies(v -> assertThat(v.text()).contains("session p, key x"));
        assertThat(r.requestingSessions()).isZero();
    }

    @Test
    void overlappingOrUnknownCallsSetNoBar() {
        SessionResult r = asked("""
                p invoke write x 1
                p info write x 1
                p2 invoke read x -
                p2 ok read x 0 @3.kv-2
                p3 invoke write y 1
                p4 invoke read y -
                p3 ok write y 1 @5.kv-1
                p4 ok read y 0 @3.kv-2
                """);
        assertThat(r.verdict()).as("the session went on as p2 after p's unknown write").isEqualTo(Verdict.VALID);
        assertThat(r.requestingSessions()).isEqualTo(1);
        assertThat(r.checked()).isEqualTo(3);
        assertThat(r.otherSessions()).as("p3 and p4 overlap within s1: neither comes after the other").isZero();
    }

    @Test
    void aReadThatFoundNothingIsHeldToTheBarButRaisesNone() {
        SessionResult r = asked("""
                p invoke read x -
                p ok read x null @9.kv-1
                p invoke read x -
                p ok read x 4 @5.kv-2
                """);
        assertThat(r.verdict()).as("a 404 returns no session token: nothing is promised after it").isEqualTo(Verdict.VALID);
        String m = only(asked("""
                p invoke write x 1
                p ok write x 1 @5.kv-1
                p invoke read x -
                p ok read x null @0.
                """), Guarantee.READ_YOUR_WRITES);
        assertThat(m).contains("version 0.");
    }

    @Test
    void versionsParseAsETagsAndOrderByCounterThenNode() {
        assertThat(Version.parse("\"1712.kv-2\"")).isEqualTo(new Version(1712, "kv-2"));
        assertThat(Version.parse("W/\"3.kv-1\"")).isEqualTo(new Version(3, "kv-1"));
        assertThat(Version.parse("0.")).isEqualTo(Version.ZERO);
        assertThat(new Version(5, "kv-1").isBefore(new Version(5, "kv-2"))).isTrue();
        assertThat(new Version(5, "kv-3").isBefore(new Version(10, "kv-1"))).isTrue();
        assertThat(Version.ZERO.isBefore(new Version(1, ""))).isTrue();
        for (String bad : new String[] {"", "kv-1", ".kv-1", "x.kv-1", "-1.kv-1"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Version.parse(bad)).hasMessageContaining("1712.kv-2");
        }
    }
}
