package dsys.core.rpc;

/**
 * What a retried call may do at the server (the notes' §2.3.2–2.3.4). The client stub retries on a timeout either
 * way; the difference is whether the server can recognise a retry.
 */
public enum CallSemantics {
    /**
     * Every transmission is a new request to the server (no request id names the call), and the server executes
     * every request it gets: a lost reply or a crash after executing makes the retry execute the call again.
     */
    AT_LEAST_ONCE,
    /**
     * Every transmission of one call carries the same request id; the server keeps a durable table of executed ids
     * with their replies, written in the same step as the effect, and answers a retry with the first reply. A
     * call that gets no reply after the retries fails: it ran once or not at all.
     */
    AT_MOST_ONCE
}
