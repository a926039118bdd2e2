package dsys.launcher.verify;

import dsys.verifier.history.HistoryRecorder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fault schedule: after a quiet start, one fault at a time from {@code faults} in turn, each held for
 * {@code faultMs} and followed by {@code quietMs} of health. Every fault's start and end go into the history as
 * nemesis lines ({@code f} = the fault, {@code value.phase} = start | stop) so the report can shade its window.
 * {@link #healAll} undoes whatever is still in force (also after an error or an interrupt).
 */
final class Nemesis implements Runnable {

    enum Fault {
        PARTITION, KILL, PAUSE, SKEW, LOSS, KILL_ALL;

        static Fault parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown nemesis '" + s + "' (partition, kill, pause, skew, loss, kill-all)");
            }
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final List<Fault> faults;
    private final List<String> nodes;
    private final Gateway gw;
    private final ProcessControl proc;
    private final HistoryRecorder rec;
    private final long quietMs;
    private final long faultMs;
    private final long endNanos;
    private final PrintStream log;
    private final Random random;
    private final Set<String> killed = ConcurrentHashMap.newKeySet();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final Set<String> skewed = ConcurrentHashMap.newKeySet();
    private volatile boolean networkFaulted;

    Nemesis(List<Fault> faults, List<String> nodes, Gateway gw, ProcessControl proc, HistoryRecorder rec,
            long quietMs, long faultMs, long endNanos, long seed, PrintStream log) {
        this.faults = faults;
        this.nodes = nodes;
        this.gw = gw;
        this.proc = proc;
        this.rec = rec;
        this.quietMs = quietMs;
        this.faultMs = faultMs;
        this.endNanos = endNanos;
        this.random = new Random(seed);
        this.log = log;
    }

    @Override
    public void run() {
        if (faults.isEmpty()) return;
        try {
            pause(quietMs);
            for (int i = 0; System.nanoTime() + faultMs * 1_000_000 < endNanos; i++) {
                Fault f = faults.get(i % faults.size());
                Map<String, Object> what = start(f);
                try {
                    Thread.sleep(faultMs);
                } finally {
                    stop(f, what);
                }
                pause(quietMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.println("nemesis: " + e.getMessage() + " (faults stop here; the run goes on)");
        }
    }

    /** A quiet stretch, cut short at the end of the run (nobody interrupts the nemesis: a fault always ends itself). */
    private void pause(long ms) throws InterruptedException {
        long left = (endNanos - System.nanoTime()) / 1_000_000;
        if (left > 0) Thread.sleep(Math.min(ms, left));
    }

    private Map<String, Object> start(Fault f) throws Exception {
        String victim = nodes.get(random.nextInt(nodes.size()));
        Map<String, Object> what = new LinkedHashMap<>();
        switch (f) {
            case PARTITION -> {
                List<String> rest = new ArrayList<>(nodes);
                rest.remove(victim);
                List<List<String>> groups = List.of(List.of(victim), rest);
                what.put("groups", groups);
                networkFaulted = true;
                chaos("POST", "/api/chaos/partitions", Gateway.JSON.writeValueAsString(Map.of("groups", groups)));
            }
            case LOSS -> {
                what.put("dropRate", 0.3);
                networkFaulted = true;
                chaos("POST", "/api/chaos/links", "{\"from\":\"*\",\"to\":\"*\",\"dropRate\":0.3}");
            }
            case KILL -> {
                what.put("node", victim);
                killed.add(victim);
                proc.kill(victim);
            }
            case KILL_ALL -> {
                what.put("nodes", nodes);
                killed.addAll(nodes);
                for (String n : nodes) proc.kill(n);
            }
            case PAUSE -> {
                what.put("node", victim);
                paused.add(victim);
                proc.stop(victim);
            }
            case SKEW -> {
                Map<String, Long> offsets = new LinkedHashMap<>();
                for (String n : nodes) {
                    long ms = (random.nextBoolean() ? 1 : -1) * (1_000 + random.nextInt(59_000));
                    offsets.put(n, ms);
                    skewed.add(n);
                    chaos("POST", "/api/chaos/nodes/" + n + "/clock", "{\"offsetMs\":" + ms + "}");
                }
                what.put("offsetsMs", offsets);
            }
        }
        record(f, "start", what);
        return what;
    }

    private void stop(Fault f, Map<String, Object> what) throws Exception {
        switch (f) {
            case PARTITION, LOSS -> heal();
            case PAUSE -> resume();
            case SKEW -> unskew();
            case KILL, KILL_ALL -> restart();
        }
        record(f, "stop", what);
    }

    /** Undoes everything still in force: network faults, pauses, skews, dead nodes (waiting until they are healthy). */
    void healAll() {
        List<String> failed = new ArrayList<>();
        for (Step s : List.<Step>of(this::heal, this::resume, this::unskew, this::restart)) {
            try {
                s.run();
            } catch (Exception e) {
                failed.add(e.getMessage());
            }
        }
        if (!failed.isEmpty()) throw new IllegalStateException("could not heal: " + failed);
    }

    private interface Step {
        void run() throws Exception;
    }

    private void heal() {
        if (!networkFaulted) return;
        chaos("DELETE", "/api/chaos", null);
        networkFaulted = false;
    }

    private void resume() throws Exception {
        for (String n : List.copyOf(paused)) {
            proc.resume(n);
            paused.remove(n);
        }
    }

    private void unskew() {
        for (String n : List.copyOf(skewed)) {
            chaos("POST", "/api/chaos/nodes/" + n + "/clock", "{\"offsetMs\":0}");
            skewed.remove(n);
        }
    }

    private void restart() throws Exception {
        List<String> down = List.copyOf(killed);
        if (down.isEmpty()) return;
        // In parallel: after kill-all, a node may wait for its peers to become healthy.
        List<Thread> ts = new ArrayList<>();
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String n : down) {
            Thread t = new Thread(() -> {
                try {
                    proc.start(n);
                    killed.remove(n);
                } catch (Exception e) {
                    errors.add(e.getMessage());
                }
            }, "restart-" + n);
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) t.join();
        if (!errors.isEmpty()) throw new IllegalStateException(String.join("; ", errors));
    }

    private void chaos(String method, String path, String json) {
        Gateway.Reply r = gw.admin(method, path, json);
        if (!r.ok()) throw new IllegalStateException(method + " " + path + " answered " + r.describe() + ": " + r.body());
    }

    private void record(Fault f, String phase, Map<String, Object> what) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("phase", phase);
        v.putAll(what);
        rec.nemesis(f.label(), v);
        log.printf("nemesis: %s %s %s%n", f.label(), phase, what);
    }
}
