/**
 * Atomic commit (the notes' fault tolerance §8): two-phase commit with its blocking problem and cooperative
 * termination, and three-phase commit with a termination protocol that elects a new coordinator among the
 * participants. Plain Java state machines: {@link dsys.core.commit.CommitCoordinator} runs on the coordinator
 * (txn-coordinator), {@link dsys.core.commit.CommitParticipant} on every participant, over a
 * {@link dsys.core.commit.ResourceManager} that takes the locks and keeps the intents.
 */
package dsys.core.commit;
