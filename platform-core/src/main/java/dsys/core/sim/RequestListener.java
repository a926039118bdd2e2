package dsys.core.sim;

/**
 * Sees every client request as its client does, in true (virtual) time: when it is invoked and when it finishes
 * (answered, or cut off by a crash). Histories for the verifier are recorded through it, from the clients' side.
 */
public interface RequestListener {

    /** At {@link SimRequest#invokedAt()}, before the node sees the request. */
    void invoked(SimRequest r);

    /** At {@link SimRequest#completedAt()}: {@link SimRequest#done()} or {@link SimRequest#crashed()}. */
    void finished(SimRequest r);
}
