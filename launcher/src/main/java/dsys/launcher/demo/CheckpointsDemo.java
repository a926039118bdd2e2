package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checkpoints and backward recovery (notes 容错 §9.3) on the kv replicas of keyspace {@code default}: a Chandy–Lamport
 * snapshot taken while a writer keeps the replicas busy (their states plus the messages in flight across the cut); a
 * two-phase blocking coordinated checkpoint; a restore of each, read back; independent checkpoints and the recovery
 * line computed from the messages' dependencies.
 */
final class CheckpointsDemo implements Demo {

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        say.console("the space-time diagram (filter snapshot. or checkpoint.: markers, the recorded channels, the rounds)");
        String key = "demo-" + run + "-ckpt";
        if (!say.check(api.putText("/api/kv/default/" + key, "before").ok(), key + " = before")) return;

        say.step("A distributed snapshot while the replicas are busy (Chandy–Lamport, 容错 §9.3.2)");
        say.why("容错 §9.3.2", "a consistent global state records every process's state and every channel's messages in "
                + "flight, with no message received in it that was not sent in it. Chandy–Lamport needs no pause: a "
                + "marker travels each channel; here the channels lose and reorder, so a node records its state before "
                + "taking a message from a node that already recorded (Lai–Yang), and counts say when a channel's "
                + "in-flight messages are all in.");
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            while (writing.get()) api.putText("/api/kv/default/demo-" + run + "-busy-" + (n++ % 20), "w" + n);
            return n;
        });
        Thread.sleep(300);
        Api.Answer snap = api.post("/api/txn/checkpoints", Map.of("algorithm", "snapshot"));
        writing.set(false);
        int writes = writer.get();
        describe(say, snap);
        if (!say.check(snap.status() == 201 && snap.json().path("restorable").asBoolean(), "a snapshot " + snap.field("id")
                + " of every kv replica, restorable, taken while " + writes + " writes went on")) return;
        int inFlight = 0;
        for (JsonNode c : snap.json().path("channels")) inFlight += c.path("recorded").asInt();
        say.say("messages recorded in flight across the cut: " + inFlight + (snap.json().path("complete").asBoolean() ? ""
                : "; not complete: " + snap.json().path("problems")));

        if (!say.check(api.putText("/api/kv/default/" + key, "after").ok(), key + " = after (written after the snapshot)")) return;
        say.step("A coordinated checkpoint: the two-phase blocking algorithm (容错 §9.3.2)");
        say.why("容错 §9.3.2", "the coordinator multicasts CHECKPOINT_REQUEST; each process takes a tentative checkpoint, "
                + "stops sending and acknowledges; once all have, CHECKPOINT_DONE makes them permanent and sending resumes. "
                + "No message can be received in the cut that was sent after it.");
        Api.Answer coordinated = api.post("/api/txn/checkpoints", Map.of("algorithm", "coordinated"));
        describe(say, coordinated);
        boolean haveCoordinated = say.check(coordinated.status() == 201, "a coordinated checkpoint " + coordinated.field("id")
                + " (" + coordinated.brief() + ")");
        if (!say.check(api.putText("/api/kv/default/" + key, "later").ok(), key + " = later")) return;

        say.step("Backward recovery: restore the snapshot, then the coordinated checkpoint (容错 §9.1)");
        say.why("容错 §9.1", "backward recovery brings the system back from its present state to a correct one recorded "
                + "earlier: every replica takes its recorded state back, and the snapshot's in-flight messages are "
                + "delivered again.");
        Api.Answer restored = api.admin("POST", "/api/txn/checkpoints/" + snap.field("id") + "/restore", null);
        say.call("POST /api/txn/checkpoints/" + snap.field("id") + "/restore", restored, restoredFigures(restored));
        say.check(restored.ok() && "before".equals(read(api, key)), key + " reads " + read(api, key) + " again (it was before at the snapshot)");
        if (haveCoordinated) {
            Api.Answer back = api.admin("POST", "/api/txn/checkpoints/" + coordinated.field("id") + "/restore", null);
            say.call("POST /api/txn/checkpoints/" + coordinated.field("id") + "/restore", back, restoredFigures(back));
            say.check(back.ok() && "after".equals(read(api, key)), key + " reads " + read(api, key) + " (it was after at the coordinated checkpoint)");
        }

        say.step("Independent checkpoints and the recovery line (容错 §9.3.1)");
        say.why("容错 §9.3.1", "each process checkpoints on its own; after a failure the latest consistent set of "
                + "checkpoints, the recovery line, follows from the dependencies the messages created between checkpoint "
                + "intervals. Badly placed checkpoints roll processes back further and further: the domino effect.");
        Api.Answer ind = api.post("/api/txn/checkpoints", Map.of("algorithm", "independent"));
        say.call("POST /api/txn/checkpoints {independent}", ind, "line " + ind.json().path("line") + ", latest " + ind.json().path("latest"));
        boolean consistent = ind.status() == 201 && ind.json().path("line").isObject();
        List<String> rolled = new ArrayList<>();
        ind.json().path("line").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() < ind.json().path("latest").path(e.getKey()).asInt()) rolled.add(e.getKey());
        });
        say.check(consistent, "a recovery line for every node" + (rolled.isEmpty() ? ": each one's latest checkpoint"
                : "; " + rolled + " would roll back below their latest (rollback propagation)"));
    }

    private static void describe(Narrator say, Api.Answer a) {
        if (a.status() != 201) {
            say.call("POST /api/txn/checkpoints", a, a.detail());
            return;
        }
        List<String> nodes = new ArrayList<>();
        for (JsonNode n : a.json().path("nodes")) nodes.add(n.path("node").asText() + " " + n.path("entries").asInt() + " registers");
        say.call("POST /api/txn/checkpoints {" + a.field("algorithm") + "}", a, a.field("id") + ": " + String.join(", ", nodes)
                + (a.json().path("complete").asBoolean() ? ", complete" : ", incomplete"));
    }

    private static String restoredFigures(Api.Answer a) {
        if (!a.ok()) return a.detail();
        int redelivered = 0, filtered = 0;
        for (JsonNode n : a.json().path("nodes")) {
            redelivered += n.path("redelivered").asInt();
            filtered += n.path("filtered").asInt();
        }
        return "epoch " + a.field("epoch") + ", " + redelivered + " channel messages delivered again, " + filtered
                + " transaction locks dropped" + (a.status() == 202 ? ", still pending " + a.json().path("pending") : "");
    }

    private static String read(Api api, String key) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            Api.Answer a = api.get("/api/kv/default/" + key);
            if (a.ok()) return a.text().trim();
            Thread.sleep(250); // a restore answers what it was serving with 503 rolled-back
        }
        return "(no answer)";
    }
}
