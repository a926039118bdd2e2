/**
 * Checkpoints and backward recovery (the notes' fault tolerance §9, 分布式故障恢复): after a failure the system is
 * brought back from its erroneous state to an earlier correct one (回退恢复, backward recovery) recorded on stable
 * storage as checkpoints (检查点). Forward recovery — going on to a new correct state — needs the errors known in
 * advance and is not built here. What matters is that the processes' checkpoints together form a
 * <b>consistent global state</b> (a consistent cut): none records the receipt of a message whose sending its
 * sender's checkpoint does not record (an orphan message).
 * <ul>
 *   <li><b>Independent checkpointing</b> (§9.3.1, 独立检查点): {@link dsys.core.checkpoint.IndependentProcess}
 *   checkpoints on its own schedule and records the message dependencies between checkpoint intervals; after a
 *   failure the {@link dsys.core.checkpoint.RecoveryManager} computes the <b>recovery line</b>
 *   ({@link dsys.core.checkpoint.RecoveryLine}, rollback propagation), and every process rolls back to it — as far as
 *   the initial state when the checkpoints fall badly (the <b>domino effect</b>).</li>
 *   <li><b>Coordinated checkpointing, two-phase blocking protocol</b> (§9.3.2, 协调检查点, 两阶段阻塞算法):
 *   the {@link dsys.core.checkpoint.CheckpointCoordinator} multicasts CHECKPOINT_REQUEST; each
 *   {@link dsys.core.checkpoint.CoordinatedProcess} takes a tentative checkpoint, blocks sending and acknowledges;
 *   once all have, CHECKPOINT_DONE makes the checkpoints permanent — a global checkpoint with no orphan message —
 *   and sending resumes. A crash aborts the round; recovery rolls everyone back to the latest global checkpoint.</li>
 *   <li><b>Distributed snapshot</b> (the non-blocking algorithm of §9.3.2, Chandy–Lamport):
 *   {@link dsys.core.checkpoint.ChandyLamportProcess} records process states and channel states with markers,
 *   without stopping anyone; several snapshots may run at once. Restoring one re-delivers its channel states.</li>
 * </ul>
 * The application is the same for all three: bank processes ({@code BankProcess}) that send each other money, so
 * the invariant "balances plus money in transit is the money there is" makes a cut's consistency visible. Its
 * channels are FIFO and reliable on an unreliable network (sequence numbers, hold-back, a sender-based message log
 * and probes; the simulated network reorders, and Chandy–Lamport needs FIFO), and tagged with the recovery epoch,
 * so that in-transit messages are replayed after a rollback and nothing from before it is taken for what comes after.
 * These are the notes' algorithms as the simulator shows them; {@link dsys.core.checkpoint.live} applies the three to
 * any core (the kv replicas, live) without its cooperation.
 * Events: {@code checkpoint.*} (taken, tentative, permanent, discarded, request, global, round-aborted,
 * send-blocked, recovery, recovery-line, rollback, recovered, restart) and {@code snapshot.*} (start, recorded,
 * marker, local-complete, complete, restore, restored, abandoned).
 */
package dsys.core.checkpoint;
