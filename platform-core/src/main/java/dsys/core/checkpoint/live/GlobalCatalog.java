package dsys.core.checkpoint.live;

import dsys.core.env.Durable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The initiator's list of global checkpoints on its stable storage, oldest first, the newest {@code keep} of them
 * (older ones are dropped, and the nodes may then drop their parts).
 */
final class GlobalCatalog {

    private static final String KEY = "ckpt.init.g/";

    private final Durable disk;
    private final Codec codec;
    private final int keep;
    private final List<Map.Entry<String, Views.GlobalCheckpoint>> entries = new ArrayList<>();
    private long next;

    GlobalCatalog(Durable disk, Codec codec, int keep) {
        if (keep < 1) throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        this.disk = disk;
        this.codec = codec;
        this.keep = keep;
    }

    void load() {
        entries.clear();
        disk.scan(KEY).forEach((k, v) -> entries.add(Map.entry(k, (Views.GlobalCheckpoint) codec.decode(v))));
        next = entries.isEmpty() ? 0 : Long.parseLong(entries.get(entries.size() - 1).getKey().substring(KEY.length()));
    }

    void add(Views.GlobalCheckpoint g) {
        String key = KEY + String.format(Locale.ROOT, "%012d", ++next);
        disk.put(key, codec.encode(g));
        entries.add(Map.entry(key, g));
        while (entries.size() > keep) disk.remove(entries.remove(0).getKey());
    }

    Views.GlobalCheckpoint get(String id) {
        for (Map.Entry<String, Views.GlobalCheckpoint> e : entries) if (e.getValue().id().equals(id)) return e.getValue();
        return null;
    }

    List<Views.GlobalCheckpoint> list() {
        return entries.stream().map(Map.Entry::getValue).toList();
    }

    /** The checkpoints of {@code node} listed recovery lines name, in order. */
    List<Integer> pins(String node) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (Map.Entry<String, Views.GlobalCheckpoint> e : entries) {
            Integer i = e.getValue().line() == null ? null : e.getValue().line().get(node);
            if (i != null) out.add(i);
        }
        return List.copyOf(out);
    }

    /** The lowest checkpoint of {@code node} a listed recovery line names (0: none listed, keep everything). */
    int keepFrom(String node) {
        int min = Integer.MAX_VALUE;
        for (Map.Entry<String, Views.GlobalCheckpoint> e : entries) {
            Integer i = e.getValue().line() == null ? null : e.getValue().line().get(node);
            if (i != null) min = Math.min(min, i);
        }
        return min == Integer.MAX_VALUE ? 0 : min;
    }
}
