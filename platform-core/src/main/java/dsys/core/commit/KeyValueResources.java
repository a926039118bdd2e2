package dsys.core.commit;

import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A {@link ResourceManager} over a node's durable storage: each key holds {@code version|value} (absent: no
 * entry, version 0), each prepared transaction its intents (a line per key: {@code p|d|g key value}, key and value
 * in base64), and the locks are the
 * keys of the prepared intents (rebuilt from them after a crash). Gets lock too (strict 2PL: no one changes
 * what the transaction read until it ends).
 */
public final class KeyValueResources implements ResourceManager {

    private static final String VALUE = "rm.value.";
    private static final String INTENT = "rm.intent.";
    private static final java.util.Base64.Encoder B64 = java.util.Base64.getEncoder();
    private static final java.util.Base64.Decoder B64D = java.util.Base64.getDecoder();

    private final Durable disk;
    private final Map<String, String> locks = new HashMap<>();

    public KeyValueResources(Durable disk) {
        this.disk = disk;
    }

    /** A key's committed version (0: absent) and value (null: absent). */
    public record Stored(long version, String value) {
    }

    public Stored read(String key) {
        return disk.get(VALUE + key).map(s -> {
            int bar = s.indexOf('|');
            return new Stored(Long.parseLong(s.substring(0, bar)), s.substring(bar + 1));
        }).orElse(new Stored(0, null));
    }

    /** Outside transactions (loading accounts): refused while the key is locked. */
    public boolean write(String key, String value) {
        if (locks.containsKey(key)) return false;
        store(key, value);
        return true;
    }

    @Override
    public void prepare(String txn, List<TxnOp> ops, java.util.function.Consumer<String> done) {
        done.accept(prepare(txn, ops));
    }

    private String prepare(String txn, List<TxnOp> ops) {
        if (disk.get(INTENT + txn).isPresent()) return null; // prepared already (a repeated vote request)
        Map<String, String> after = new HashMap<>();
        List<String> intents = new ArrayList<>();
        for (TxnOp op : ops) {
            String holder = locks.get(op.key());
            if (holder != null && !holder.equals(txn)) return op.key() + " is locked by " + holder;
            Stored s = read(op.key());
            String current = after.containsKey(op.key()) ? after.get(op.key()) : s.value();
            if (op.ifVersion() != null && !op.ifVersion().equals(Long.toString(s.version()))) {
                return op.key() + " is at version " + s.version() + ", not " + op.ifVersion();
            }
            String next = current;
            switch (op.op()) {
                case "put" -> next = op.value();
                case "delete" -> next = null;
                case "add" -> {
                    long have;
                    try {
                        have = current == null ? 0 : Long.parseLong(current);
                    } catch (NumberFormatException e) {
                        return op.key() + " does not hold a number";
                    }
                    long sum = have + Long.parseLong(op.value());
                    if (sum < 0) return op.key() + " holds " + have + ", cannot add " + op.value();
                    next = Long.toString(sum);
                }
                default -> { }
            }
            after.put(op.key(), next);
        }
        for (TxnOp op : ops) {
            locks.put(op.key(), txn);
            String next = after.get(op.key());
            char kind = !op.writes() ? 'g' : next == null ? 'd' : 'p';
            intents.add(new Intent(kind, op.key(), next).encode());
        }
        // Lazily, as kv-service's participant does: the participant forces it before its vote; a crash before that
        // loses the locks with it, and nobody had a vote-commit.
        disk.putLazily(INTENT + txn, String.join("\n", intents));
        return null;
    }

    /** A get's key is read-locked until the end, so what it holds now is what the transaction read. */
    @Override
    public List<TxnRead> reads(String txn) {
        List<TxnRead> out = new ArrayList<>();
        for (Intent i : intents(txn)) {
            if (i.kind() != 'g') continue;
            Stored s = read(i.key());
            out.add(new TxnRead("default", i.key(), s.value(), Long.toString(s.version())));
        }
        return out;
    }

    /** One key's intent: p (put {@code value}), d (delete) or g (only read, only locked). */
    private record Intent(char kind, String key, String value) {
        String encode() {
            return kind + " " + B64.encodeToString(key.getBytes(UTF_8)) + " " + B64.encodeToString((value == null ? "" : value).getBytes(UTF_8));
        }

        static Intent decode(String line) {
            String[] f = line.split(" ", -1);
            return new Intent(f[0].charAt(0), new String(B64D.decode(f[1]), UTF_8), new String(B64D.decode(f[2]), UTF_8));
        }
    }

    @Override
    public void commit(String txn) {
        for (Intent i : intents(txn)) {
            if (i.kind() == 'p') store(i.key(), i.value());
            else if (i.kind() == 'd') disk.remove(VALUE + i.key());
        }
        abort(txn);
    }

    @Override
    public void abort(String txn) {
        for (Intent i : intents(txn)) locks.remove(i.key(), txn);
        disk.remove(INTENT + txn);
    }

    @Override
    public void recover() {
        locks.clear();
        for (Map.Entry<String, String> e : disk.scan(INTENT).entrySet()) {
            String txn = e.getKey().substring(INTENT.length());
            for (String line : e.getValue().split("\n")) if (!line.isEmpty()) locks.put(Intent.decode(line).key(), txn);
        }
    }

    @Override
    public boolean holds(String txn) {
        return disk.get(INTENT + txn).isPresent();
    }

    @Override
    public java.util.Set<String> prepared() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String k : disk.scan(INTENT).keySet()) out.add(k.substring(INTENT.length()));
        return out;
    }

    @Override
    public Map<String, String> locks() {
        return Map.copyOf(locks);
    }

    private List<Intent> intents(String txn) {
        return disk.get(INTENT + txn).map(s -> java.util.Arrays.stream(s.split("\n")).filter(l -> !l.isEmpty()).map(Intent::decode).toList()).orElse(List.of());
    }

    private void store(String key, String value) {
        disk.put(VALUE + key, (read(key).version() + 1) + "|" + value);
    }
}
