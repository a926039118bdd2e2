/**
 * Eventual keyspaces (notes §2.2 最终一致性 and §4.4.2 基于病毒扩散的传播方式): any replica takes a write at once,
 * stores it and acknowledges it, and the write reaches the other replicas by rumor mongering (Gossip) with periodic
 * anti-entropy (反熵) behind it, both from {@link dsys.core.epidemic}. Conflicts resolve last-writer-wins by
 * (Lamport time, node); deletes are death certificates (死亡证明). Reads answer from one replica, so a read right
 * after a write elsewhere may be stale: "only eventually consistent" is the point of this mode.
 */
package dsys.kv.eventual;
