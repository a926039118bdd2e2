package dsys.core.checkpoint.live;

import dsys.core.checkpoint.Dependency;
import dsys.core.env.Durable;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node's local checkpoints on its stable storage, next to the wrapped core's own entries ({@code scope}, the
 * prefix all of them start with) and under a prefix of their own: {@code m/<local>} its {@link LocalMeta},
 * {@code d/<local>/<key>} a copy of each entry of the scope, {@code c/<local>/<n>} the recorded channel messages
 * in arrival order. Also the node's epoch, colour, independent base and last finished round. The storage is the
 * wrapped core's whole state: what it keeps only in memory a crash may lose too, so a checkpoint treats the core as
 * crashed and recovered at that point.
 */
final class LocalCheckpoints {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L, FNV_PRIME = 0x100000001b3L;

    private final Durable disk;
    private final String prefix, scope, node;
    private final Codec codec;

    LocalCheckpoints(Durable disk, String node, String prefix, String scope, Codec codec) {
        if (prefix.startsWith(scope) || scope.startsWith(prefix)) {
            throw new IllegalArgumentException("checkpoint prefix '" + prefix + "' overlaps the core's '" + scope + "'");
        }
        this.disk = disk;
        this.node = node;
        this.prefix = prefix;
        this.scope = scope;
        this.codec = codec;
    }

    long numberOr(String name, long otherwise) {
        return disk.get(prefix + name).map(Long::parseLong).orElse(otherwise);
    }

    void setNumber(String name, long value) {
        disk.put(prefix + name, Long.toString(value));
    }

    Optional<String> get(String name) {
        return disk.get(prefix + name);
    }

    void put(String name, String value) {
        disk.put(prefix + name, value);
    }

    Optional<LocalMeta> meta(String local) {
        return disk.get(prefix + "m/" + local).map(s -> (LocalMeta) codec.decode(s));
    }

    void put(LocalMeta m) {
        disk.put(prefix + "m/" + m.local(), codec.encode(m));
    }

    /** The metadata of every checkpoint of one kind ('s', 'c', 'i'), by number. */
    List<LocalMeta> metas(char kind) {
        List<LocalMeta> out = new ArrayList<>();
        for (String s : disk.scan(prefix + "m/" + kind).values()) out.add((LocalMeta) codec.decode(s));
        out.sort(Comparator.comparingLong(LocalMeta::number));
        return out;
    }

    /** Copies the wrapped core's storage as checkpoint {@code local}. */
    LocalMeta copy(String local, long number, String status, List<Dependency> dependencies) {
        SortedMap<String, String> state = disk.scan(scope);
        String to = data(local);
        long bytes = 0;
        for (Map.Entry<String, String> e : state.entrySet()) {
            disk.put(to + e.getKey(), e.getValue());
            bytes += e.getKey().length() + e.getValue().length();
        }
        LocalMeta m = new LocalMeta(local, number, status,
                new Views.LocalSummary(node, local, state.size(), bytes, digest(state), true), dependencies, 0);
        put(m);
        return m;
    }

    void addChannel(String local, List<Arrival> arrivals) {
        int i = 0;
        for (Arrival a : arrivals) {
            disk.put(channelKey(local) + String.format(java.util.Locale.ROOT, "%08d", ++i), a.node().value() + "\n" + codec.encode(a.message()));
        }
    }

    List<Arrival> channel(String local) {
        List<Arrival> out = new ArrayList<>();
        for (String line : disk.scan(channelKey(local)).values()) {
            int nl = line.indexOf('\n');
            out.add(new Arrival(NodeId.of(line.substring(0, nl)), (Message) codec.decode(line.substring(nl + 1))));
        }
        return out;
    }

    /** Keeps the metadata (its dependency record) and drops the copy. */
    void dropData(LocalMeta m) {
        for (String k : disk.scan(data(m.local())).keySet()) disk.remove(k);
        put(m.withoutData());
    }

    void delete(String local) {
        for (String k : disk.scan(data(local)).keySet()) disk.remove(k);
        for (String k : disk.scan(channelKey(local)).keySet()) disk.remove(k);
        disk.remove(prefix + "m/" + local);
    }

    record Restored(long entries, String digest, int filtered) {
    }

    /** Makes the wrapped core's storage what checkpoint {@code local} holds (through {@code filter}): only what differs is written. */
    Restored restore(String local, RestoreFilter filter) {
        String from = data(local);
        TreeMap<String, String> target = new TreeMap<>();
        int filtered = 0;
        for (Map.Entry<String, String> e : disk.scan(from).entrySet()) {
            String key = e.getKey().substring(from.length());
            String v = filter.state(key, e.getValue());
            if (!e.getValue().equals(v)) filtered++;
            if (v != null) target.put(key, v);
        }
        SortedMap<String, String> now = disk.scan(scope);
        for (String k : now.keySet()) if (!target.containsKey(k)) disk.remove(k);
        target.forEach((k, v) -> {
            if (!v.equals(now.get(k))) disk.put(k, v);
        });
        return new Restored(target.size(), digest(target), filtered);
    }

    private String data(String local) {
        return prefix + "d/" + local + "/";
    }

    private String channelKey(String local) {
        return prefix + "c/" + local + "/";
    }

    /** FNV-1a 64 over key, value, key, value... in key order, as 16 hex digits. */
    static String digest(SortedMap<String, String> entries) {
        long h = FNV_OFFSET;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            h = fnv(fnv(h, e.getKey()), e.getValue());
        }
        return String.format(java.util.Locale.ROOT, "%016x", h);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= FNV_PRIME;
        }
        return (h ^ 0xff) * FNV_PRIME; // a separator: ("ab","c") and ("a","bc") differ
    }

    /** The wrapped core's entries as checkpoint {@code local} holds them (original keys), for tests and tools. */
    public static SortedMap<String, String> read(Durable disk, String prefix, String local) {
        String from = prefix + "d/" + local + "/";
        TreeMap<String, String> out = new TreeMap<>();
        disk.scan(from).forEach((k, v) -> out.put(k.substring(from.length()), v));
        return out;
    }

    /** The recorded channel messages of checkpoint {@code local}, in arrival order, for tests and tools. */
    public static List<Arrival> readChannel(Durable disk, String prefix, String local, Codec codec) {
        return new LocalCheckpoints(disk, "?", prefix, "\u0000", codec).channel(local);
    }
}
