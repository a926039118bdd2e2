package dsys.kv.chain;

import java.util.List;

/**
 * How the members of a view pass writes on. {@link #CHAIN}: down a line from the head to the tail, which
 * acknowledges them and answers reads (链式复制). {@link #STAR}: the primary-backup protocol (基于主备份的协议, notes
 * §4.3.2.1): the first member is the primary, which orders every write, sends it to all backups at once, answers the
 * client once every backup holds it, and answers reads itself. Views, their agreement, leases and rejoining are the
 * same for both; only the links and the node that answers reads differ.
 */
public enum Shape {
    CHAIN, STAR;

    /** The member that answers linearizable reads (under a lease) and that a rejoining node copies. */
    String reader(View v) {
        return this == CHAIN ? v.tail() : v.head();
    }

    /** The member {@code node} takes writes from (null: none, the head, or not a member). */
    String predecessor(View v, String node) {
        if (this == CHAIN) return v.predecessor(node);
        return v.has(node) && !v.head().equals(node) ? v.head() : null;
    }

    /** The members {@code node} passes writes to. */
    List<String> successors(View v, String node) {
        if (this == CHAIN) {
            String s = v.successor(node);
            return s == null ? List.of() : List.of(s);
        }
        return v.head().equals(node) ? v.chain().subList(1, v.chain().size()) : List.of();
    }
}
