/**
 * Group communication (the notes' fault tolerance §7 and synchronization §5.2), as plain cores a host core embeds:
 * it constructs one, calls {@code start()} from its onStart/onRecover, hands it the messages and timers it
 * recognises, and gets deliveries through a callback.
 * <ul>
 *   <li>{@link dsys.core.multicast.PositiveAckMulticast}: basic reliable multicast (可靠组播) with positive
 *   acknowledgements and a history buffer;</li>
 *   <li>{@link dsys.core.multicast.NonHierarchicalFeedback}: negative acknowledgements after a random back-off,
 *   with or without suppression (无等级/非分层反馈控制, Scalable Reliable Multicasting);</li>
 *   <li>{@link dsys.core.multicast.HierarchicalFeedback}: subgroups whose local coordinators keep a history
 *   buffer and answer their subgroup's retransmission requests (分等级/分层反馈控制);</li>
 *   <li>{@link dsys.core.multicast.AtomicMulticast}: atomic multicast (原子组播) with views and a flush at every
 *   view change (虚拟同步), totally ordered within a view by the view's coordinator;</li>
 *   <li>{@link dsys.core.multicast.LamportTotalOrder}: Lamport's totally ordered multicast (全序组播) over the
 *   positive-acknowledgement multicast.</li>
 * </ul>
 */
package dsys.core.multicast;
