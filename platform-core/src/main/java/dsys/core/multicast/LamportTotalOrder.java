package dsys.core.multicast;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Lamport's totally ordered multicast (the notes' §5.2, 全序组播): a process stamps each message with its Lamport
 * clock and multicasts it; every process that receives it queues it by (timestamp, origin) and multicasts an
 * acknowledgement; a process delivers the message at the head of its queue once every process has acknowledged it.
 * All processes then deliver the same sequence. The algorithm assumes reliable FIFO channels: it runs over
 * {@link PositiveAckMulticast} (whose per-origin order is FIFO), with its acknowledgements carried on the
 * acknowledgement multicasts ({@link PositiveAckMulticast#piggybacked}). Its queue and acknowledgements are on disk,
 * updated in the step that changes them, so a process that crashes and comes back carries on; while one is down,
 * nobody delivers (every process must acknowledge).
 * Deliveries carry the message's Lamport timestamp as their {@code seq}.
 *
 * <p>Two savings that leave the order as the notes give it (measured: kv-service README, active replication):
 * <ul>
 *   <li>The origin does not multicast an acknowledgement of its own message: the message is one. It carries the
 *   origin's clock, and FIFO delivery means nothing the origin sent before it can still arrive after it, which is
 *   all an acknowledgement says. n − 1 acknowledgement multicasts per message instead of n.</li>
 *   <li>The clock is stored as a ceiling {@link #CLOCK_LEAP} ahead and stored again only when the clock passes it:
 *   after a restart the clock starts at the ceiling, above every time it stamped or acknowledged with before, which
 *   is all the order needs from it (the stamps need not be dense).</li>
 * </ul>
 */
public final class LamportTotalOrder {

    private record Stamp(long ts, String origin) implements Comparable<Stamp> {
        @Override
        public int compareTo(Stamp o) {
            int c = Long.compare(ts, o.ts);
            return c != 0 ? c : NodeId.of(origin).compareTo(NodeId.of(o.origin));
        }

        String key() {
            return String.format("%019d", ts) + "." + origin;
        }

        static Stamp of(String key) {
            return new Stamp(Long.parseLong(key.substring(0, 19)), key.substring(20));
        }
    }

    /** How far ahead of the clock its stored ceiling is set. */
    static final long CLOCK_LEAP = 1 << 16;

    private final Env env;
    private final Durable disk;
    private final String prefix;
    private final int processes;
    private final Consumer<Delivery> deliver;
    private final PositiveAckMulticast channel;
    private final TreeMap<Stamp, String> queue = new TreeMap<>();
    private final Map<Stamp, Set<String>> acks = new HashMap<>();
    private long clock;
    private long ceiling; // on disk: no stamp or acknowledgement of this process ever exceeded it

    /** {@code prefix} scopes this component's keys on disk; the channel under it uses {@code prefix + "ch."}. */
    public LamportTotalOrder(Env env, List<NodeId> group, MulticastTiming timing, String prefix,
                             Consumer<Delivery> deliver) {
        this.env = env;
        this.disk = env.storage();
        this.prefix = prefix;
        this.processes = group.size();
        this.deliver = deliver;
        this.channel = PositiveAckMulticast.piggybacked(env, group, timing, prefix + "ch.", this::received);
    }

    /** Reads the disk and starts the channel; from the host core's onStart and onRecover. */
    public void start() {
        queue.clear();
        acks.clear();
        clock = ceiling = disk.get(prefix + "clock").map(Long::parseLong).orElse(0L);
        disk.scan(prefix + "a.").forEach((k, v) -> acks.put(Stamp.of(k.substring(prefix.length() + 2)),
                new TreeSet<>(List.of(v.split(",")))));
        disk.scan(prefix + "q.").forEach((k, v) -> {
            Stamp s = Stamp.of(k.substring(prefix.length() + 2));
            queue.put(s, v);
            acked(s, s.origin()); // the message is its origin's acknowledgement
        });
        channel.start();
    }

    /** Multicasts {@code payload}; its timestamp. It is delivered here too, in the common order. */
    public long multicast(String payload) {
        long ts = tick(0);
        channel.multicast("M|" + ts + "|" + payload);
        return ts;
    }

    public boolean onMessage(NodeId from, Message m) {
        return channel.onMessage(from, m);
    }

    public boolean onTimer(Object timer) {
        return channel.onTimer(timer);
    }

    /** Messages queued and not yet delivered (waiting for acknowledgements or for an earlier message). */
    public int queued() {
        return queue.size();
    }

    /** What the channel under it sends and receives in feedback. */
    public FeedbackCount feedback() {
        return channel.feedback();
    }

    /** A message of the channel: a timestamped message to queue and acknowledge, or an acknowledgement. */
    private void received(Delivery d) {
        String[] f = d.payload().split("\\|", d.payload().startsWith("M|") ? 3 : 4); // a payload may hold '|'
        if (f[0].equals("M")) {
            Stamp s = new Stamp(Long.parseLong(f[1]), d.origin().value());
            tick(s.ts());
            queue.put(s, f[2]);
            disk.put(prefix + "q." + s.key(), f[2]);
            acked(s, s.origin());
            if (!s.origin().equals(env.self().value())) channel.multicast("A|" + clock + "|" + s.ts() + "|" + s.origin());
        } else {
            tick(Long.parseLong(f[1]));
            Stamp s = new Stamp(Long.parseLong(f[2]), f[3]);
            if (acked(s, d.origin().value())) disk.put(prefix + "a." + s.key(), String.join(",", acks.get(s)));
        }
        deliverReady();
    }

    /** Counts {@code by}'s acknowledgement of {@code s} (in memory); false when it was counted already. */
    private boolean acked(Stamp s, String by) {
        return acks.computeIfAbsent(s, k -> new TreeSet<>()).add(by);
    }

    /** Delivers the head of the queue while every process has acknowledged it. */
    private void deliverReady() {
        while (!queue.isEmpty() && acks.getOrDefault(queue.firstKey(), Set.of()).size() == processes) {
            Map.Entry<Stamp, String> head = queue.pollFirstEntry();
            acks.remove(head.getKey());
            disk.remove(prefix + "q." + head.getKey().key());
            disk.remove(prefix + "a." + head.getKey().key());
            deliver.accept(new Delivery(NodeId.of(head.getKey().origin()), head.getKey().ts(), head.getValue()));
        }
    }

    /** The Lamport rule: past anything seen, then one more. */
    private long tick(long seen) {
        clock = Math.max(clock, seen) + 1;
        if (clock > ceiling) {
            ceiling = clock + CLOCK_LEAP;
            disk.put(prefix + "clock", Long.toString(ceiling));
        }
        return clock;
    }
}
