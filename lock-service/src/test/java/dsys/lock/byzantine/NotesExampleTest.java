package dsys.lock.byzantine;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dsys.lock.byzantine.ByzantineGeneral.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** The notes' figure (Tanenbaum's Byzantine generals): general 3 is the traitor, with n = 4 and with n = 3. */
class NotesExampleTest {

    private static AgreementOutcome run(int n) {
        List<String> generals = new java.util.ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
            generals.add(String.valueOf(i));
            values.put(String.valueOf(i), String.valueOf(i)); // general i has i thousand troops
        }
        return ByzantineAgreement.run(generals, values, Set.of("3"), 2, TraitorStrategy.letters(n), (k, f) -> { });
    }

    @Test
    void fourGeneralsOneTraitor_loyalOnesAgreeOn_1_2_UNKNOWN_4() {
        AgreementOutcome o = run(4);

        // step 2: the vectors of the figure, (1,2,x,4), (1,2,y,4), (1,2,z,4)
        assertThat(o.loyal().get("1").vector().values()).containsExactly("1", "2", "x", "4");
        assertThat(o.loyal().get("2").vector().values()).containsExactly("1", "2", "y", "4");
        assertThat(o.loyal().get("4").vector().values()).containsExactly("1", "2", "z", "4");
        // step 3: general 1 got general 2's and general 4's vectors, and the traitor's letters a b _ d
        assertThat(o.loyal().get("1").received().get("2").values()).containsExactly("1", "2", "y", "4");
        assertThat(o.loyal().get("1").received().get("4").values()).containsExactly("1", "2", "z", "4");
        assertThat(o.loyal().get("1").received().get("3")).containsEntry("1", "a").containsEntry("2", "b").containsEntry("4", "d");
        // step 4: (1, 2, UNKNOWN, 4) everywhere
        for (String g : List.of("1", "2", "4")) {
            assertThat(o.loyal().get(g).result().values()).containsExactly("1", "2", UNKNOWN, "4");
        }
        assertThat(o.agreed()).isTrue();
        assertThat(o.valid()).isTrue();
        assertThat(o.guaranteed()).isTrue();
        assertThat(o.messages()).containsEntry(ByzantineAgreement.VALUE, 12L).containsEntry(ByzantineAgreement.VECTOR, 12L);
    }

    @Test
    void threeGeneralsOneTraitor_noMajorityForAnyElement() {
        AgreementOutcome o = run(3);

        assertThat(o.loyal().get("1").vector().values()).containsExactly("1", "2", "x");
        assertThat(o.loyal().get("2").vector().values()).containsExactly("1", "2", "y");
        // the loyal generals cannot even decide each other's values, let alone the traitor's
        assertThat(o.loyal().get("1").result().values()).containsOnly(UNKNOWN);
        assertThat(o.loyal().get("2").result().values()).containsOnly(UNKNOWN);
        assertThat(o.valid()).isFalse();
        assertThat(o.guaranteed()).isFalse();
        assertThat(o.note()).contains("3 < 3m+1 = 4").contains("impossible");
        assertThat(o.messages()).containsEntry(ByzantineAgreement.VALUE, 6L).containsEntry(ByzantineAgreement.VECTOR, 6L);
    }
}
