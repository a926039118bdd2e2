package dsys.kv.sim;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.ReadLevel;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clients that each keep one request in flight — get, put, compare-and-set on the version they last read, or
 * delete — on a few keys through random nodes, until a deadline, and record the history in virtual time for the
 * cas-register model: read → its value; put → write; delete → write of null; compare-and-set → cas
 * [value read with that version, new value]. Written values are unique, so a version and its value name the
 * same write. A 503 or 412 certainly did not apply (fail); a 504 or a crash after the node took the request may
 * have (info: the client then continues under a new process id).
 */
public final class KvClients {

    /** The share of reads, puts, compare-and-sets (deletes take the rest), and the level reads use. */
    public record Mix(double reads, double puts, double cas, ReadLevel level) {
        public static final Mix DEFAULT = new Mix(0.4, 0.25, 0.25, ReadLevel.LINEARIZABLE);
    }

    private record Known(String value, Ballot version) {
    }

    private final KvSim kv;
    private final SplittableRandom rnd;
    private final List<String> keys;
    private final long untilNanos;
    private final Mix mix;
    private final HistoryRecorder history;
    private final Map<String, KvReplies.Written> lastAcknowledged = new HashMap<>();
    private final java.util.Set<String> deleted = new java.util.HashSet<>();
    private final Map<String, Known> known = new HashMap<>();
    private final Map<String, Integer> outcomes = new java.util.TreeMap<>();
    private long values;

    public KvClients(KvSim kv, SplittableRandom rnd, List<String> keys, Duration until, Mix mix) {
        this.kv = kv;
        this.rnd = rnd;
        this.keys = keys;
        this.untilNanos = until.toNanos();
        this.mix = mix;
        this.history = new HistoryRecorder(kv.sim::now, null);
    }

    public void start(int clients) {
        for (int c = 1; c <= clients; c++) {
            String client = "c" + c;
            kv.sim.at(Duration.ofMillis(rnd.nextInt(10)), () -> next(client, 1));
        }
    }

    private void next(String client, int generation) {
        if (kv.sim.now() >= untilNanos) return;
        String process = client + "." + generation;
        String key = keys.get(rnd.nextInt(keys.size()));
        NodeId node = kv.nodes.get(rnd.nextInt(kv.nodes.size()));
        double dice = rnd.nextDouble();
        if (dice < mix.reads()) {
            HistoryRecorder.Pending p = history.invoke(process, node.value(), "read", key, null);
            SimRequest r = kv.get(node, key, mix.level());
            whenDone(r, () -> {
                if (r.done() && r.result() instanceof KvReplies.Value v) {
                    known.put(client + "/" + key, new Known(v.value(), v.version()));
                    p.ok(v.value());
                    tally("read ok");
                } else {
                    p.fail(r.done() ? String.valueOf(r.result()) : "crashed"); // a read has no effect either way
                    tally("read failed");
                }
                later(client, generation);
            });
            return;
        }
        String value = client + "-" + ++values;
        if (dice < mix.reads() + mix.puts() + mix.cas() && dice >= mix.reads() + mix.puts()) {
            Known k = known.getOrDefault(client + "/" + key, new Known(null, Ballot.ZERO));
            Ballot ifMatch = k.value() == null ? Ballot.ZERO : k.version();
            HistoryRecorder.Pending p = history.invoke(process, node.value(), "cas", key, java.util.Arrays.asList(k.value(), value));
            write(client, generation, key, p, kv.cas(node, key, value, ifMatch));
        } else if (dice < mix.reads() + mix.puts()) {
            write(client, generation, key, history.invoke(process, node.value(), "write", key, value), kv.put(node, key, value));
        } else {
            deleted.add(key);
            write(client, generation, key, history.invoke(process, node.value(), "write", key, null), kv.delete(node, key));
        }
    }

    private void write(String client, int generation, String key, HistoryRecorder.Pending p, SimRequest r) {
        String f = p.invocation().f();
        whenDone(r, () -> {
            if (r.done() && r.result() instanceof KvReplies.Written w) {
                p.ok();
                lastAcknowledged.merge(key, w, (a, b) -> a.version().compareTo(b.version()) >= 0 ? a : b);
                tally(f + " ok");
                later(client, generation);
            } else if (r.done() && r.result() instanceof Rejection x && x.status() != 504) {
                p.fail(x.type());
                tally(f + " " + x.type());
                later(client, generation);
            } else if (r.crashed() && !r.delivered()) {
                p.fail("node down");
                tally(f + " node down");
                later(client, generation);
            } else {
                p.info(r.done() ? ((Rejection) r.result()).type() : "crashed");
                tally(f + " unknown");
                later(client, generation + 1);
            }
        });
    }

    private void later(String client, int generation) {
        kv.sim.at(Duration.ofNanos(kv.sim.now() + (1 + rnd.nextInt(15)) * 1_000_000L), () -> next(client, generation));
    }

    private void whenDone(SimRequest r, Runnable then) {
        kv.whenDone(r, then);
    }

    private void tally(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /**
     * A linearizable read of every key by a fresh client, recorded too; fails if it finds a key older than its
     * latest acknowledged write. A key found absent with version zero had its tombstone collected: whether some
     * delete (acknowledged or of unknown outcome) explains that is the linearizability checker's to say.
     */
    public void finalReadsSeeEveryAcknowledgedWrite(Duration limit) {
        for (String key : keys) {
            NodeId node = kv.nodes.stream().filter(kv.sim::isUp).findFirst().orElseThrow();
            HistoryRecorder.Pending p = history.invoke("final-" + key, node.value(), "read", key, null);
            Object o = kv.await(kv.get(node, key, ReadLevel.LINEARIZABLE), limit);
            if (!(o instanceof KvReplies.Value v)) throw new AssertionError("final read of " + key + " failed: " + o);
            p.ok(v.value());
            KvReplies.Written acked = lastAcknowledged.get(key);
            boolean collected = deleted.contains(key) && !v.found() && v.version().zero();
            if (acked != null && v.version().isBefore(acked.version()) && !collected) {
                throw new AssertionError("acknowledged write lost: " + acked + ", but a linearizable read found " + v);
            }
        }
    }

    public History history() {
        return history.history();
    }

    public Map<String, Integer> outcomes() {
        return outcomes;
    }
}
