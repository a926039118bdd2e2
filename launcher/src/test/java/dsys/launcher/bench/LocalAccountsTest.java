package dsys.launcher.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LocalAccountsTest {

    private final LocalAccounts accounts = new LocalAccounts(List.of("kv-1", "kv-2", "kv-3"));

    @Test
    void eachAccountLandsOnTheNodeThatAloneKeepsItsKeyspace() {
        for (int client = 0; client < 64; client++) {
            for (String side : List.of("a", "b")) {
                String[] at = accounts.account("run", client, side);
                String node = at[0].substring(LocalAccounts.PREFIX.length());
                assertThat(accounts.node(LocalAccounts.participantIndex(at[0], at[1], 3))).isEqualTo(node);
                assertThat(at[1]).startsWith(TxnBenchCommand.account("run", client, side) + "-");
            }
        }
    }

    @Test
    void theReplicatedAccountsSitOnTheSameParticipantsAsTheLocalOnes() {
        for (int client = 0; client < 64; client++) {
            for (String side : List.of("a", "b")) {
                String[] local = accounts.account("run", client, side), replicated = accounts.replicated("run", client, side);
                assertThat(replicated[0]).isEqualTo("default");
                assertThat(LocalAccounts.participantIndex(replicated[0], replicated[1], 3))
                        .isEqualTo(LocalAccounts.participantIndex(local[0], local[1], 3));
            }
            assertThat(accounts.replicated("run", client, "a")).isNotEqualTo(accounts.replicated("run", client, "b"));
        }
    }

    @Test
    void aClientsTwoAccountsHaveTwoParticipantsAndEveryNodeIsUsed() {
        Set<String> nodes = new HashSet<>();
        for (int client = 0; client < 6; client++) {
            String a = accounts.account("run", client, "a")[0], b = accounts.account("run", client, "b")[0];
            assertThat(a).isNotEqualTo(b);
            nodes.add(a);
        }
        assertThat(nodes).containsExactlyInAnyOrderElementsOf(accounts.keyspaces());
    }
}
