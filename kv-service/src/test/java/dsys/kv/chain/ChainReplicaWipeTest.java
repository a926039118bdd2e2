package dsys.kv.chain;

import dsys.core.sim.MemoryDurable;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A rejoining replica forgets its own keyspace's copy, read back from disk after a restart, and nothing else. */
class ChainReplicaWipeTest {

    @Test
    void wipeRemovesThisKeyspacesKeysAndKeepsTheRest() {
        MemoryDurable disk = new MemoryDurable();
        ChainReplica before = new ChainReplica(disk, "chain");
        for (int i = 1; i <= 50; i++) {
            before.apply("k/é " + i, i, new Versioned(new Ballot(i, "kv-1"), i % 7 == 0 ? null : "v" + i, List.of()));
        }
        before.lastSeq(50);
        ChainReplica other = new ChainReplica(disk, "chain2"); // a keyspace whose name starts alike
        other.apply("x", 1, new Versioned(new Ballot(1, "kv-1"), "kept", List.of()));
        disk.put("unrelated", "kept");

        ChainReplica after = new ChainReplica(disk, "chain"); // a restart: what it forgets is what the disk holds
        after.load();
        assertThat(after.size()).isEqualTo(50);
        after.wipe();

        assertThat(disk.scan(ChainReplica.prefix("chain"))).as("the keyspace's keys and lastSeq").isEmpty();
        assertThat(after.size()).isZero();
        assertThat(after.lastSeq()).isZero();
        assertThat(ChainReplica.stored(disk, "chain2", "x")).as("another keyspace's key").isNotNull();
        assertThat(disk.get("unrelated")).contains("kept");
    }
}
