package dsys.lock.coordination;

import dsys.core.env.Rejection;
import dsys.core.sim.Seeds;
import dsys.lock.byzantine.ByzantineGeneral;
import dsys.lock.coordination.CoordinationRequests.RunAgreement;
import dsys.lock.coordination.CoordinationResults.AgreementResult;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/coordination/agreement at the core, simulated in the request and with the lock nodes as generals. */
class AgreementRequestTest {

    private static Map<String, String> values(String prefix, int n) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) v.put(prefix + i, String.valueOf(i));
        return v;
    }

    @Test
    void generalsThatAreNotTheClusterAreSimulated_theNotesFigure() {
        CoordinationSim c = new CoordinationSim(1, 3, CoordinationSettings.simulated());
        AgreementResult r = (AgreementResult) c.call(1, new RunAgreement(values("g", 4), List.of("g3"), null, null, "letters"));
        assertThat(r.mode()).isEqualTo("simulated");
        assertThat(r.rounds()).isEqualTo(2);
        assertThat(r.agreementPossible()).isTrue();
        assertThat(r.loyal()).containsOnlyKeys("g1", "g2", "g4");
        assertThat(r.loyal().get("g2").result().values()).containsExactly("1", "2", ByzantineGeneral.UNKNOWN, "4");
        assertThat(r.messages().byType()).containsEntry("byzantine.value", 12L).containsEntry("byzantine.vector", 12L);
        assertThat(c.sim.events().stream().filter(e -> e.kind().startsWith("byzantine.step")).count())
                .as("steps 1 and 3 per general, step 2 per general, step 4 per loyal general").isEqualTo(4 + 4 + 4 + 3);
    }

    @Test
    void badInputIsA400ThatSaysWhatWouldBeRight() {
        CoordinationSim c = new CoordinationSim(1, 3, CoordinationSettings.simulated());
        Rejection stranger = (Rejection) c.call(1, new RunAgreement(values("g", 4), List.of("g9"), null, null, null));
        assertThat(stranger.status()).isEqualTo(400);
        assertThat(stranger.detail()).contains("[g9]").contains("not among the generals");
        assertThat(((Rejection) c.call(1, new RunAgreement(Map.of(), List.of(), null, null, null))).status()).isEqualTo(400);
        assertThat(((Rejection) c.call(1, new RunAgreement(values("g", 4), List.of(), 9, null, null))).status()).isEqualTo(400);
        assertThat(((Rejection) c.call(1, new RunAgreement(values("g", 4), List.of(), null, null, "bribes"))).status()).isEqualTo(400);
        assertThat(((Rejection) c.call(1, new RunAgreement(Map.of("g1", "UNKNOWN"), List.of(), null, null, null))).status()).isEqualTo(400);
    }

    @Test
    void lockNodesAsGenerals_realMessages_sameOutcomeAsTheSimulatedRun() {
        Seeds.run("live byzantine", 100, seed -> {
            CoordinationSim c = new CoordinationSim(seed, 4, CoordinationSettings.simulated());
            c.sim.network().duplicate(0.1).reorder(0.2, java.time.Duration.ofMillis(30));
            String traitor = "lock-" + (1 + seed % 4);
            RunAgreement request = new RunAgreement(values("lock-", 4), List.of(traitor), null, seed, "random");
            AgreementResult live = (AgreementResult) c.call(1, request);

            assertThat(live.mode()).isEqualTo("nodes");
            assertThat(live.missing()).isEmpty();
            assertThat(live.agreed()).isTrue();
            assertThat(live.valid()).isTrue();
            assertThat(live.messages().byType()).containsEntry("byzantine.value", 12L).containsEntry("byzantine.vector", 12L);
            // the same generals, values, traitor and seed, simulated in one request elsewhere, lie and decide alike
            Map<String, String> renamed = new LinkedHashMap<>();
            values("lock-", 4).forEach((k, v) -> renamed.put(k.replace("lock-", "x-"), v));
            AgreementResult sim = (AgreementResult) c.call(2, new RunAgreement(renamed, List.of(traitor.replace("lock-", "x-")), null, seed, "random"));
            assertThat(sim.mode()).isEqualTo("simulated");
            live.loyal().forEach((g, view) -> assertThat(sim.loyal().get(g.replace("lock-", "x-")).result().values())
                    .containsExactlyElementsOf(view.result().values()));
        });
    }

    @Test
    void threeLockNodesOneTraitor_theFailureOfTheNotes() {
        CoordinationSim c = new CoordinationSim(5, 3, CoordinationSettings.simulated());
        AgreementResult r = (AgreementResult) c.call(2, new RunAgreement(values("lock-", 3), List.of("lock-3"), null, null, "letters"));
        assertThat(r.mode()).isEqualTo("nodes");
        assertThat(r.agreementPossible()).isFalse();
        assertThat(r.note()).contains("impossible");
        assertThat(r.loyal().get("lock-1").result().values()).containsOnly(ByzantineGeneral.UNKNOWN);
        assertThat(r.loyal().get("lock-2").result().values()).containsOnly(ByzantineGeneral.UNKNOWN);
    }

    @Test
    void aCrashedGeneralIsReportedMissing_andItsSilenceIsUnknown() {
        CoordinationSim c = new CoordinationSim(9, 4, CoordinationSettings.simulated());
        c.sim.crash(CoordinationSim.node(4));
        AgreementResult r = (AgreementResult) c.call(1, new RunAgreement(values("lock-", 4), List.of(), null, 1L, null));
        assertThat(r.missing()).containsExactly("lock-4");
        assertThat(r.loyal()).containsOnlyKeys("lock-1", "lock-2", "lock-3");
        for (var view : r.loyal().values()) {
            assertThat(view.result().values()).containsExactly("1", "2", "3", ByzantineGeneral.UNKNOWN);
        }
        assertThat(r.valid()).as("lock-4 counted as loyal, its value is lost").isFalse();
    }
}
