package dsys.core.env;

/** Names one client request to a node; the core answers it later with {@link Env#reply}. */
public record RequestId(String value) {
    @Override
    public String toString() {
        return value;
    }
}
