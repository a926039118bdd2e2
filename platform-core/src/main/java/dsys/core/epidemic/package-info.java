/**
 * Epidemic propagation (notes §4.4.2 基于病毒扩散的传播方式, after Demers et al. 1987): updates spread like an
 * infection. {@link dsys.core.epidemic.RumorMongering} (Gossip, 谣言传播) pushes a new update to random peers until
 * it stops being news; {@link dsys.core.epidemic.AntiEntropy} (反熵) has every replica exchange its differences with
 * a random peer each round, by push, pull or push-pull, so whatever rumor mongering missed still arrives; deletes
 * are death certificates (死亡证明, §4.4.3) that propagate like values, expire except at a few keepers that hold
 * them dormant, and come back to life when an obsolete copy of the deleted item shows up
 * ({@link dsys.core.epidemic.DeathCertificates}). {@link dsys.core.epidemic.Epidemic} puts the three together for
 * one node; conflicting updates are ordered last-writer-wins by their Lamport stamps.
 *
 * <p>Plain Java driven by an {@link dsys.core.env.Env}: no I/O, no threads, no wall clock.
 */
package dsys.core.epidemic;
