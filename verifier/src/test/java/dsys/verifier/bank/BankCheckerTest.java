package dsys.verifier.bank;

import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryReader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dsys.verifier.TestHistories.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BankCheckerTest {

    private static final BankChecker CHECKER = new BankChecker(List.of("a", "b"), 100);

    /** Two transfers a → b: 5 ok, 3 aborted; a snapshot between them; 2 unknown; the final read. */
    private static final String RUN = """
            s invoke open bank {"account":"a","balance":100}
            s ok open bank {"account":"a","balance":100}
            0 invoke transfer bank {"from":"a","to":"b","amount":5}
            0 ok transfer bank {"from":"a","to":"b","amount":5}
            1 invoke read bank -
            1 ok read bank {"a":95,"b":105}
            0 invoke transfer bank {"from":"a","to":"b","amount":3}
            0 fail transfer bank {"from":"a","to":"b","amount":3}
            2 invoke transfer bank {"from":"b","to":"a","amount":2}
            2 info transfer bank {"from":"b","to":"a","amount":2}
            final invoke read bank -
            final fail read bank -
            final invoke read bank -
            final ok read bank {"a":97,"b":103}
            """;

    @Test
    void aRunWhoseReadsAllHoldIsValid() {
        BankResult r = CHECKER.check(parse(RUN));
        assertThat(r.verdict()).isEqualTo(Verdict.VALID);
        assertThat(r.findings()).isEmpty();
        assertThat(r.snapshots()).isEqualTo(1);
        assertThat(r.transfers()).isEqualTo(new BankResult.Outcomes(1, 1, 1));
        assertThat(r.finalRead().committed()).isTrue();
        assertThat(r.finalRead().attempts()).isEqualTo(2);
        assertThat(r.finalRead().index()).isEqualTo(12);
        // a: 100 - 5 certain, the unknown +2 may or may not have happened
        assertThat(r.accounts().get("a")).isEqualTo(new BankResult.Account(3, 1, -5, 95, 97, 97L));
        assertThat(r.accounts().get("b")).isEqualTo(new BankResult.Account(3, 1, 5, 103, 105, 103L));
        assertThat(r.summary()).startsWith("valid: 1 snapshot read and the final read").contains("total 200", "transfers 1 ok / 1 fail / 1 info");
    }

    @Test
    void aSnapshotWithAWrongTotalIsInvalidAndNamed() {
        BankResult r = CHECKER.check(parse(RUN.replace("{\"a\":95,\"b\":105}", "{\"a\":95,\"b\":100}")));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.findings()).hasSize(1);
        BankResult.Finding f = r.findings().get(0);
        assertThat(f.text()).startsWith("read at index 4 (process 1,").contains("total 195, not 2 × 100 = 200");
        assertThat(f.indices()).containsExactly(4L);
        assertThat(f.account()).isNull();
    }

    @Test
    void aNegativeBalanceIsInvalidEvenWhenTheTotalHolds() {
        BankResult r = CHECKER.check(parse(RUN.replace("{\"a\":95,\"b\":105}", "{\"a\":-1,\"b\":201}")));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.text()).startsWith("read at index 4").contains("a is negative, -1");
            assertThat(f.account()).isEqualTo("a");
            assertThat(f.indices()).containsExactly(4L);
        });
    }

    @Test
    void aMissingOrUnknownAccountInASnapshotIsInvalid() {
        BankResult r = CHECKER.check(parse(RUN.replace("{\"a\":95,\"b\":105}", "{\"a\":95,\"c\":105}")));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.findings()).extracting(BankResult.Finding::text)
                .anyMatch(t -> t.contains("no balance for b")).anyMatch(t -> t.contains("c is no account of this bank"))
                .noneMatch(t -> t.contains("total"));
    }

    @Test
    void aFinalBalanceTheTransfersCannotExplainIsInvalid() {
        // The total holds, but b lost the ok transfer: 100 + 5 certain, at most 103..105 with the unknown one.
        BankResult r = CHECKER.check(parse(RUN.replace("{\"a\":97,\"b\":103}", "{\"a\":100,\"b\":100}")));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
        assertThat(r.findings()).extracting(BankResult.Finding::account).containsExactly("a", "b");
        BankResult.Finding b = r.findings().get(1);
        assertThat(b.text()).startsWith("final read at index 12").contains("b is 100, but the transfers allow 103..105",
                "+5 from the ok transfers before it", "-2 to +0 from 1 of unknown outcome");
        assertThat(b.indices()).containsExactly(12L, 8L);
    }

    @Test
    void aTransferConcurrentWithTheFinalReadMayOrMayNotBeInIt() {
        String run = """
                0 invoke transfer bank {"from":"a","to":"b","amount":4}
                final invoke read bank -
                0 ok transfer bank {"from":"a","to":"b","amount":4}
                final ok read bank {"a":100,"b":100}
                """;
        assertThat(CHECKER.check(parse(run)).verdict()).isEqualTo(Verdict.VALID);
        assertThat(CHECKER.check(parse(run.replace("{\"a\":100,\"b\":100}", "{\"a\":96,\"b\":104}"))).verdict()).isEqualTo(Verdict.VALID);
    }

    @Test
    void withoutAnyCommittedReadNothingIsJudged() {
        BankResult r = CHECKER.check(parse("""
                0 invoke transfer bank {"from":"a","to":"b","amount":5}
                0 ok transfer bank {"from":"a","to":"b","amount":5}
                1 invoke read bank -
                1 fail read bank -
                """));
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.verdict().exitCode()).isEqualTo(2);
        assertThat(r.note()).contains("nothing was judged");
        assertThat(r.finalRead().attempts()).isZero();
    }

    @Test
    void snapshotsWithoutAFinalReadLeaveTheFinalBalancesUnjudged() {
        History h = parse(RUN.replace("final ok read bank {\"a\":97,\"b\":103}", "final fail read bank -"));
        BankResult r = CHECKER.check(h);
        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.finalRead().committed()).isFalse();
        assertThat(r.finalRead().attempts()).isEqualTo(2);
        assertThat(r.note()).contains("none of 2 final read attempts committed").contains("final balances are not judged");
        assertThat(r.accounts().get("a").balance()).isNull();
        // Without a final read the bounds are those at the end of the history.
        assertThat(r.accounts().get("a").low()).isEqualTo(95);

        BankResult none = CHECKER.check(parse(RUN.lines().filter(l -> !l.startsWith("final")).toList().toArray(String[]::new)));
        assertThat(none.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(none.note()).contains("the history has no final read");
    }

    @Test
    void aWrongSnapshotIsInvalidEvenWithoutAFinalRead() {
        BankResult r = CHECKER.check(parse("""
                1 invoke read bank -
                1 ok read bank {"a":95,"b":95}
                """));
        assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    }

    @Test
    void timeAndIndexComeFromTheRecordedFile() {
        History h = HistoryReader.parse("""
                {"process":"0","type":"invoke","f":"read","key":"bank","value":null,"time":1000000000}
                {"process":"0","type":"ok","f":"read","key":"bank","value":{"a":"100","b":"90"},"time":1100000000}
                {"process":"final","type":"invoke","f":"read","key":"bank","value":null,"time":3000000000}
                {"process":"final","type":"fail","f":"read","key":"bank","value":null,"error":"aborted: lock-refused","time":3500000000}
                {"process":"final","type":"invoke","f":"read","key":"bank","value":null,"time":4000000000}
                {"process":"final","type":"ok","f":"read","key":"bank","value":{"a":"100","b":"100"},"time":4250000000}
                """);
        BankResult r = CHECKER.check(h);
        assertThat(r.findings()).extracting(BankResult.Finding::text).containsExactly(
                "read at index 0 (process 0, 0.000 s): total 190, not 2 × 100 = 200 ({\"a\":\"100\",\"b\":\"90\"})");
        assertThat(r.finalRead().nanos()).isEqualTo(1_250_000_000L);
        assertThat(r.finalRead().attempts()).isEqualTo(2);
    }

    @Test
    void aTransferWithoutItsFieldsIsBadInput() {
        assertThatThrownBy(() -> CHECKER.check(parse("""
                0 invoke transfer bank {"from":"a","amount":5}
                0 ok transfer bank {"from":"a","amount":5}
                """))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 0");
    }
}
