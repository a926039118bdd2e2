package dsys.kv.chain;

import java.util.List;
import java.util.Objects;

/**
 * A configuration of the chain (链式复制): epoch {@code epoch} orders the nodes of {@code chain} from the head (链头,
 * which orders the writes) to the tail (链尾, which acknowledges them and answers reads). Epoch 0 is every replica in
 * the keyspace's order; each later epoch is chosen by a majority of the replicas ({@link ViewAgreement}).
 */
public record View(long epoch, List<String> chain) {

    public View {
        Objects.requireNonNull(chain, "chain");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) throw new IllegalArgumentException("a view needs a member");
    }

    public String head() {
        return chain.get(0);
    }

    public String tail() {
        return chain.get(chain.size() - 1);
    }

    public boolean has(String node) {
        return chain.contains(node);
    }

    /** The member before {@code node} (null for the head or a non-member). */
    public String predecessor(String node) {
        int i = chain.indexOf(node);
        return i <= 0 ? null : chain.get(i - 1);
    }

    /** The member after {@code node} (null for the tail or a non-member). */
    public String successor(String node) {
        int i = chain.indexOf(node);
        return i < 0 || i == chain.size() - 1 ? null : chain.get(i + 1);
    }

    /** {@code 3:[kv-1, kv-3]}: the form storage and events use. */
    @Override
    public String toString() {
        return epoch + ":" + String.join(",", chain);
    }

    public static View parse(String s) {
        int colon = s.indexOf(':');
        return new View(Long.parseLong(s.substring(0, colon)), List.of(s.substring(colon + 1).split(",")));
    }
}
