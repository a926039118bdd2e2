package dsys.kv.active;

import dsys.core.node.NodeId;
import dsys.core.sim.Simulation;
import dsys.kv.active.SequencerLog.AppendFailed;
import dsys.kv.active.SequencerLog.Entry;
import dsys.kv.active.SequencerLog.Records;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A log partition in the simulator, standing in for Kafka's: appends land after 1-4 ms at the next offset; each
 * node's reader sends the core batches of 1-5 records every 2-6 ms from its position. Seeded faults, each off
 * unless set: a record appended twice (a producer retry), an append that times out (its record landing or not,
 * told to the core as maybe appended), a reader that steps back and redelivers, the partition down (appends
 * refused at once, nothing read). A reader learns a seek 0-2 ms late, so it may still read on for a core that
 * crashed and came back. Its records stay across crashes of the nodes: they are the log's, not the nodes'.
 */
final class SimPartition {

    final List<String> records = new ArrayList<>();
    double duplicate;
    double timeout;
    double redeliver;
    boolean down;
    int duplicated;
    int timedOut;
    int redelivered;

    private final SplittableRandom rnd;
    private final Map<NodeId, Reader> readers = new HashMap<>();
    private Simulation sim;

    private static final class Reader {
        long position = -1;
        boolean announce;
    }

    SimPartition(long seed) {
        this.rnd = new SplittableRandom(seed ^ 0x5E9L);
    }

    /** Starts the readers' polling once the simulation exists (before it runs). */
    void bind(Simulation sim) {
        this.sim = sim;
        for (NodeId n : readers.keySet()) poll(n);
    }

    /** The log as {@code node}'s core sees it. */
    SequencerLog client(NodeId node) {
        boolean first = !readers.containsKey(node);
        readers.computeIfAbsent(node, n -> new Reader());
        if (first && sim != null) poll(node);
        return new SequencerLog() {
            @Override
            public String append(String op, String record) {
                return SimPartition.this.append(node, op, record);
            }

            @Override
            public void consume(long from) {
                Reader r = readers.get(node);
                if (sim == null) {
                    seek(r, from);
                } else {
                    sim.at(in(rnd.nextInt(3)), () -> seek(r, from));
                }
            }
        };
    }

    private static void seek(Reader r, long from) {
        r.position = from;
        r.announce = true;
    }

    private String append(NodeId node, String op, String record) {
        if (down) return "the simulated partition is down";
        long at = 1 + rnd.nextInt(4);
        double dice = rnd.nextDouble();
        if (dice < timeout) {
            timedOut++;
            boolean lands = rnd.nextBoolean();
            if (lands) sim.at(in(at), () -> records.add(record));
            boolean maybe = lands || rnd.nextBoolean();
            sim.at(in(at + 5), () -> sim.request(node, new AppendFailed(op, maybe, "simulated delivery timeout")));
            return null;
        }
        sim.at(in(at), () -> records.add(record));
        if (dice < timeout + duplicate) {
            duplicated++;
            sim.at(in(at + 1 + rnd.nextInt(30)), () -> records.add(record));
        }
        return null;
    }

    private void poll(NodeId node) {
        sim.at(in(2 + rnd.nextInt(5)), () -> {
            Reader r = readers.get(node);
            if (!down && r.position >= 0 && sim.isUp(node)) deliver(node, r);
            poll(node);
        });
    }

    private void deliver(NodeId node, Reader r) {
        long from = r.position;
        if (from > 0 && rnd.nextDouble() < redeliver) {
            from = Math.max(0, from - 1 - rnd.nextInt(3));
            redelivered++;
        }
        int n = (int) Math.min(records.size() - from, 1 + rnd.nextInt(5));
        if (n <= 0 && !r.announce) return;
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) batch.add(new Entry(from + i, records.get((int) (from + i))));
        sim.request(node, new Records(from, batch, records.size()));
        r.position = from + Math.max(0, n);
        r.announce = false;
    }

    private Duration in(long ms) {
        return Duration.ofNanos(sim.now() + ms * 1_000_000L);
    }
}
