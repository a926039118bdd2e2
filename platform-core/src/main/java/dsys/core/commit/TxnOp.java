package dsys.core.commit;

import java.util.Objects;

/**
 * One operation of a transaction at one participant, on {@code key} of {@code keyspace} (null: "default"): {@code put} a value, {@code delete}, {@code get}, or
 * {@code add} a whole number to a numeric value (a transfer's debit or credit; refused if it would go below 0).
 * {@code ifVersion}, when set, is a condition: the key must be at exactly that version (the store's own form, e.g.
 * {@code 1712.kv-2} in the quorum KV; "0": absent) or the participant votes vote-abort.
 */
public record TxnOp(String keyspace, String key, String op, String value, String ifVersion) {

    public TxnOp {
        if (keyspace == null) keyspace = "default";
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        if (!java.util.Set.of("put", "delete", "get", "add").contains(op)) {
            throw new IllegalArgumentException("op is put, delete, get or add, got '" + op + "'");
        }
        if ((op.equals("put") || op.equals("add")) && value == null) throw new IllegalArgumentException(op + " needs a value");
        if (op.equals("add")) Long.parseLong(value);
    }

    public static TxnOp put(String key, String value) {
        return new TxnOp(null, key, "put", value, null);
    }

    public static TxnOp get(String key) {
        return new TxnOp("default", key, "get", null, null);
    }

    public static TxnOp add(String key, long delta) {
        return new TxnOp(null, key, "add", Long.toString(delta), null);
    }

    public boolean writes() {
        return !op.equals("get");
    }
}
