package dsys.core.rpc;

/** Client requests to an {@link RpcClient} and its answer; failures come back as {@link dsys.core.env.Rejection}s. */
public final class RpcRequests {

    private RpcRequests() {
    }

    /** Call the transfer on {@code server}: add {@code amount} to {@code account}, a computation of {@code work} steps. */
    public record Call(String server, String account, long amount, int work) {
        public Call(String server, String account, long amount) {
            this(server, account, amount, 0);
        }
    }

    /** The call returned: the balance the server reported, after how many transmissions. */
    public record Returned(String call, long balance, int transmissions) {
    }
}
