package dsys.launcher.demo;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every demo, one per algorithm family of the notes: the built ones, and those whose algorithms are not built yet
 * (listed, so a learner sees what is coming, and refused with a non-zero exit rather than faked).
 */
final class Catalog {

    /**
     * @param demo     null when not built yet
     * @param waitsFor what it waits for, when not built
     * @param options  the demo's own options, for the usage text
     */
    record Entry(String name, String family, String notes, String summary, Supplier<Demo> demo, String waitsFor,
                 String options) {

        boolean built() {
            return demo != null;
        }
    }

    static final List<Entry> ALL = List.of(
            new Entry("clocks", "physical clock synchronization", "同步 §4.1–4.5",
                    "Skew two time nodes' clocks, run one round of Cristian, Berkeley, averaging and NTP, and watch the "
                            + "offsets converge as the clocks slew; the resync interval δ/(2ρ).",
                    ClockSyncDemo::new, null, "--algorithms=cristian,berkeley,averaging,ntp"),
            new Entry("mutex", "mutual exclusion", "同步 §6.1–6.4",
                    "Centralized, Ricart–Agrawala and token ring in turn: a lock, a second client waiting, the hand-over "
                            + "with a higher fencing token; then the coordinator / a member / the token holder crashes "
                            + "while a client holds a lock, and what the service does about it.",
                    MutexDemo::new, null, "--algorithms=centralized,ricart-agrawala,token-ring"),
            new Entry("election", "leader election", "同步 §7.1–7.2",
                    "Bully and ring elections with their message counts; the leader crashes, the others elect the next "
                            + "highest, and the old leader bullies its way back when it restarts.",
                    ElectionDemo::new, null, ""),
            new Entry("byzantine", "Byzantine generals", "容错 §4.2.2",
                    "The notes' four steps with 4 generals and one traitor; the three lock nodes as generals, where "
                            + "n < 3m+1 makes agreement impossible; and 7 generals with 2 traitors, where the notes' "
                            + "two rounds are not enough and m+1 rounds are.",
                    ByzantineDemo::new, null, ""),
            new Entry("kv-quorum", "quorum replication (weighted voting)", "副本与一致性 §4.3.2.2.2, 通信 §4.4.2–4.4.3",
                    "Gifford's rules refuse bad quorums; weighted votes under a partition; a stale read at read=one "
                            + "beside a linearizable one; anti-entropy repairs the stale replica; a compare-and-set "
                            + "refused with 412; a delete that leaves a death certificate.",
                    QuorumKvDemo::new, null, ""),
            new Entry("kv-primary-backup", "primary-based replication (remote write, local write)", "副本与一致性 §4.3.2.1",
                    "A write sent to a backup is forwarded to the primary, which updates every backup before acknowledging "
                            + "and answers every read; the primary crashes, the backup holding the most takes over within "
                            + "seconds with nothing acknowledged lost, and the old one rejoins as a backup; with local writes "
                            + "the primary role moves to the node the writes arrive at.",
                    PrimaryBackupDemo::new, null, ""),
            new Entry("kv-chain", "chain replication", "副本与一致性 §4.3.1",
                    "A write enters at the head and is acknowledged by the tail, which answers every read; the head "
                            + "crashes, a majority agrees on a chain without it and writes go on within seconds, nothing "
                            + "acknowledged lost; the crashed node copies the tail and joins at the end.",
                    ChainDemo::new, null, ""),
            new Entry("kv-active", "active replication over totally ordered multicast", "副本与一致性 §4.3.2.2.1",
                    "Three writes sent to each replica at once, applied in one (Lamport time, node) order everywhere, "
                            + "with the multicast's (n − 1) + (n − 1)² messages per write; a create-only race "
                            + "decided alike on every replica; a replica crashes and no write is applied until it is "
                            + "back (504), reads go on, then the stalled write is applied everywhere; a delayed link "
                            + "shows a stale read: sequential, not linearizable.",
                    ActiveKvDemo::new, null, ""),
            new Entry("kv-eventual", "eventual consistency: gossip, anti-entropy, session guarantees",
                    "副本与一致性 §2.2, 通信 §4.4.2",
                    "A write at one replica reaches the others by gossip (measured per replica); a partition where both "
                            + "sides take writes to one key, converging after the heal on the last writer by (Lamport "
                            + "time, node); a delete whose death certificate beats the old value a cut-off replica kept; "
                            + "read-your-writes broken without a session, kept or refused (503) with one.",
                    EventualKvDemo::new, null, ""),
            new Entry("commit", "atomic commit: 2PC vs 3PC; RPC retries across a crash", "容错 §8.2–8.3, 通信 §2.3",
                    "A transfer between two accounts; the coordinator crashes after every vote-commit: 2PC's participants "
                            + "block holding their locks until it is back, 3PC's elect a new coordinator and abort without it; "
                            + "then it crashes after logging a decision, and a retry runs the transfer twice without a "
                            + "request id (at-least-once) and once with an Idempotency-Key (at-most-once).",
                    CommitDemo::new, null, "--protocols=2pc,3pc"),
            new Entry("orphans", "RPC: the orphans of a crashed client", "通信 §2.3.5",
                    "txn-1 calls a kv node for a transfer of 2 s of work and crashes as soon as the kv node runs it; after "
                            + "its reboot the orphan runs on and its transfer lands (no remedy), or is killed by "
                            + "extermination, reincarnation, gentle reincarnation or expiration, and the account never moves.",
                    OrphansDemo::new, null, "--remedies=none,extermination,reincarnation,gentle-reincarnation,expiration"),
            new Entry("checkpoints", "checkpoints: snapshot, coordinated, independent; backward recovery", "容错 §9.1, §9.3",
                    "A Chandy–Lamport snapshot of the kv replicas while a writer keeps them busy (states and messages in "
                            + "flight); a two-phase blocking coordinated checkpoint; each restored and read back; "
                            + "independent checkpoints and their recovery line.",
                    CheckpointsDemo::new, null, ""));

    private Catalog() {
    }

    static Optional<Entry> find(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
