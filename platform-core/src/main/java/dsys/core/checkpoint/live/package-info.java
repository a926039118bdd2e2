/**
 * Checkpoints and recovery (the notes' fault tolerance §9.3) of <b>any</b> core, for the live services: the kv
 * replicas are checkpointed with it, initiated by txn-1. Where {@code dsys.core.checkpoint} builds the three
 * algorithms into bank processes for the simulator, here a decorator, {@link dsys.core.checkpoint.live.CheckpointedCore},
 * takes part in them on behalf of a core it wraps, and a {@link dsys.core.checkpoint.live.CheckpointInitiator} drives
 * them.
 *
 * <p><b>What a checkpoint is.</b> The wrapped core's state is its stable storage (every entry under its scope): a
 * core already rebuilds itself from it after a crash, and what it keeps only in memory a crash may lose anyway. A
 * local checkpoint is a copy of those entries (next to them, under the checkpoints' own prefix); restoring puts the
 * copy back and builds the core anew as after a crash, then delivers a snapshot's recorded channel messages again.
 * Requests the old core owed an answer get a 503; its timers stop.
 *
 * <p><b>What the wire carries.</b> Every message of the wrapped core goes as a {@link dsys.core.checkpoint.live.Stamped}:
 * the restore epoch, the snapshot colour, a number per channel and colour, the independent interval. Nothing more is
 * sent and nothing is written per message; a checkpoint costs a copy of the state, once per node.
 * <ul>
 *   <li><b>Snapshot</b> (Chandy–Lamport's consistent cut with channel states). The channels here lose, duplicate and
 *   reorder, so a marker cannot mark where a channel's cut is. Lai–Yang's colours do instead: a node records its state
 *   when the initiator's marker reaches it, or before it delivers a message whose sender has already recorded (a
 *   higher colour); messages of the old colour it delivers afterwards are the channel's state. Completion is
 *   Mattern's counting: each sender tells how many messages of its old colour it sent each node, each receiver counts
 *   the distinct ones it got (numbers in a window: duplicates count once). At the deadline the snapshot is closed and
 *   the channels whose messages never came are named with how many are missing: lost, delayed past the deadline, or
 *   (the receiver cannot tell) delivered before the receiver's last restart. What is recorded is consistent anyway.
 *   A snapshot is a cut of the messages between the wrapped cores, not of their clients' real-time order.</li>
 *   <li><b>Coordinated checkpoint, two-phase blocking.</b> Tentative checkpoint, sends held back, acknowledgement;
 *   the coordinator logs the round once every node acknowledged and sends CHECKPOINT_DONE; a missing acknowledgement
 *   aborts the round. No channel state: messages in flight across it are lost by a restore, which the wrapped core
 *   survives as it survives a lossy network.</li>
 *   <li><b>Independent checkpoints</b> on each node's schedule (and when the initiator's query comes), with the
 *   dependency record; the initiator computes the recovery line by rollback propagation
 *   ({@link dsys.core.checkpoint.RecoveryLine}), down to the nodes' bases when the checkpoints fall badly (domino).</li>
 * </ul>
 * <b>Restore</b> is two-phase: every node must hold its part before any moves; then the new epoch is logged and
 * every node restores. Messages of an older epoch are dropped; a node's messages to one not yet restored wait there.
 * Events: {@code snapshot.*} (start, recorded, local-complete, complete, incomplete) and {@code checkpoint.*}
 * (request, tentative, permanent, discarded, global, round-aborted, send-resumed, taken, recovery-line, restore,
 * restored, restore-complete).
 */
package dsys.core.checkpoint.live;
