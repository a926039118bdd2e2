/**
 * Remote procedure calls under failures (the notes' communication §2.3). A client stub ({@link dsys.core.rpc.RpcClient})
 * turns a call into request messages to a server stub ({@link dsys.core.rpc.RpcServer}), which runs the procedure: a
 * transfer into an account on its disk, at once or as a remote computation of several steps.
 * <ul>
 *   <li>The client cannot locate the server: an unbound name fails at once, a server that never answers fails
 *   after the retries (404 / 503 {@code server-not-found}).</li>
 *   <li>A lost request, a lost reply, a server crash before or after executing: the client retries on a timeout.
 *   {@link dsys.core.rpc.CallSemantics#AT_LEAST_ONCE} executes every retry the server gets (a lost reply or a crash
 *   after executing applies the transfer twice); {@link dsys.core.rpc.CallSemantics#AT_MOST_ONCE} numbers the
 *   call, and the server's durable table of executed ids answers a retry with the first reply.</li>
 *   <li>The client crashes: its computations at the servers become orphans. {@link dsys.core.rpc.OrphanRemedy}
 *   selects extermination, reincarnation, gentle reincarnation or expiration (or none, to see the problem).</li>
 * </ul>
 * Every step is an event ({@code rpc.call.sent}, {@code rpc.executed}, {@code rpc.duplicate.suppressed},
 * {@code rpc.orphan.killed}, ...).
 */
package dsys.core.rpc;
