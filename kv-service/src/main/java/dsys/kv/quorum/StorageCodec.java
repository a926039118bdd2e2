package dsys.kv.quorum;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a keyspace lays out its replica in the node's {@link dsys.core.env.Durable} (shared by every core of the
 * node, hence the prefix): {@code kvq/<keyspace>/k/<hex of the key's UTF-8>} → the acceptor state, plus the
 * tombstone floor, the ballot reserve and the coordinator's incarnation. Hex keeps any key (slashes, control
 * characters, any script) out of the storage key's syntax and keeps byte order and prefixes, for listing keys.
 * The chain mode ({@code dsys.kv.chain}) stores its keys' states with the same encoding under its own prefix.
 */
public final class StorageCodec {

    private static final char F = '\u001f';
    private static final char R = '\u001e';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String prefix;

    StorageCodec(String keyspace) {
        this.prefix = "kvq/" + keyspace + "/";
    }

    String keysPrefix() {
        return prefix + "k/";
    }

    String storageKey(String key) {
        return keysPrefix() + hex(key);
    }

    String keyOf(String storageKey) {
        return unhex(storageKey.substring(keysPrefix().length()));
    }

    String floorKey() {
        return prefix + "floor";
    }

    String ballotReserveKey() {
        return prefix + "ballots";
    }

    String incarnationKey() {
        return prefix + "incarnation";
    }

    public static String hex(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    public static String unhex(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * promised, accepted, chosen flag, version, recent writes, then the value last (it may contain anything). A
     * transaction's lock, when there is one, comes between writes and value as {@code !<kind><txn> R <intent
     * length>}, and its intent after the value (lengths in chars, so both may contain anything).
     */
    public static String encode(AcceptorState s) {
        Versioned c = s.content();
        StringBuilder writes = new StringBuilder();
        for (Versioned.Write w : c.writes()) {
            if (!writes.isEmpty()) writes.append(R);
            writes.append(w.op()).append('=').append(w.version());
        }
        Versioned.Lock l = c.lock();
        String intent = l == null || l.intent() == null ? "" : l.intent();
        String lock = l == null ? "" : "" + F + '!' + l.kind() + l.txn() + R + (l.intent() == null ? -1 : intent.length());
        return s.promised() + "" + F + s.accepted() + F + (s.committed() ? '1' : '0') + F + c.version() + F
                + writes + lock + F + (c.value() == null ? "-" : "=" + c.value()) + intent;
    }

    public static AcceptorState decode(String s) {
        String[] p = s.split(String.valueOf(F), 7);
        if (p.length < 6) throw new IllegalStateException("corrupt acceptor state: " + s);
        Versioned.Lock lock = null;
        String last = p[5];
        if (p.length == 7 && p[5].startsWith("!")) { // a lock: its field, then value and intent
            int r = p[5].indexOf(R);
            int n = Integer.parseInt(p[5].substring(r + 1));
            last = p[6];
            String intent = n < 0 ? null : last.substring(last.length() - n);
            if (n > 0) last = last.substring(0, last.length() - n);
            lock = new Versioned.Lock(p[5].substring(2, r), p[5].charAt(1), intent);
        } else if (p.length == 7) {
            last = p[5] + F + p[6]; // no lock: the value itself held a separator
        }
        String v = last.equals("-") ? null : last.substring(1);
        List<Versioned.Write> writes = new ArrayList<>();
        if (!p[4].isEmpty()) {
            for (String w : p[4].split(String.valueOf(R))) {
                int eq = w.lastIndexOf('=');
                writes.add(new Versioned.Write(w.substring(0, eq), Ballot.parse(w.substring(eq + 1))));
            }
        }
        return new AcceptorState(Ballot.parse(p[0]), Ballot.parse(p[1]), p[2].equals("1"),
                new Versioned(Ballot.parse(p[3]), v, writes, lock));
    }
}
