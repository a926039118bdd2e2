package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Clock synchronization (notes 同步 §4): two clocks skewed and drifting, one round of each algorithm, and the
 * offsets watched as the clocks slew toward what the round decided. Leaves every clock as it found it.
 */
final class ClockSyncDemo implements Demo {

    static final List<String> ALGORITHMS = List.of("cristian", "berkeley", "averaging", "ntp");
    /** node → {offset ms, drift ppm}: one clock ahead (corrected backward: slewed), one behind (stepped forward). */
    private static final Map<String, double[]> SKEW = Map.of("time-2", new double[] {600, -45}, "time-3", new double[] {-400, 60});
    /** What GET /api/time/nodes may add to a round's own figures: it measures each clock over loopback HTTP. */
    private static final double SURVEY_SLACK_MS = 10;

    private static final Map<String, String[]> WHY = Map.of(
            "cristian", new String[] {"同步 §4.2", "Cristian's algorithm: each client asks the time server (time-1, the "
                    + "reference) at T0 and gets its time S with the server's processing time I at T1; the propagation "
                    + "delay is estimated as (T1 − T0 − I)/2, so the client targets S + (T1 − T0 − I)/2 (here the fastest "
                    + "of 8 exchanges). Time must not run backwards: a clock that is ahead is slowed down until it has "
                    + "absorbed the correction, not set back."},
            "berkeley", new String[] {"同步 §4.3", "Berkeley: no clock is trusted to be exact. The time daemon (time-1) "
                    + "asks every machine its time, averages them (itself included) and sends each machine how far to "
                    + "move — a delta, not a time — so the daemon's own clock moves too."},
            "averaging", new String[] {"同步 §4.4", "Averaging: no server at all. Time is cut into intervals T0 + iR; at "
                    + "the start of each every machine broadcasts its clock, collects the others' broadcasts while the "
                    + "interval's window is open, discards the extremes and moves to the mean, corrected for the "
                    + "propagation delay. Each machine starts the interval by its own clock, so a round takes seconds."},
            "ntp", new String[] {"同步 §4.5", "NTP: servers in strata. time-1 has the reference (stratum 1); a machine "
                    + "that synchronizes from a stratum-k server becomes stratum k+1. In procedure-call mode (like "
                    + "Cristian) four timestamps give the offset θ = ((T2 − T1) + (T3 − T4))/2 and the delay "
                    + "δ = (T4 − T1) − (T3 − T2); the sample with the smallest delay wins."});

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        List<String> algorithms = s.list("algorithms", ALGORITHMS);
        say.console("Clocks (a bar per time node: its offset from true time; watch them shrink) and the space-time "
                + "diagram (filter Cristian, Berkeley, Averaging or Ntp: the messages of each round)");

        say.step("The clocks as they are");
        Api.Answer nodes = api.get("/api/time/nodes");
        say.call("GET /api/time/nodes", nodes, offsets(nodes.json()));
        if (!say.check(nodes.ok() && nodes.json().isArray(), "GET /api/time/nodes answers every time node's clock")) return;
        Map<String, double[]> initial = new LinkedHashMap<>();
        for (JsonNode n : nodes.json()) {
            initial.put(n.path("node").asText(), new double[] {n.path("offsetMs").asDouble(), n.path("driftPpm").asDouble()});
        }
        // Recorded before the first skew: whatever happens next, every clock goes back to this.
        s.faults().make("clocks skewed by the demo (back to " + offsets(nodes.json()) + ")", null, () -> restore(api, initial));

        say.step("How often to resynchronize: δ/(2ρ)");
        for (var e : SKEW.entrySet()) skew(api, e.getKey(), 0, e.getValue()[1]);
        long putMs = System.currentTimeMillis();
        Faults.Fault scheduled = s.faults().make("a resync schedule",
                () -> api.admin("PUT", "/api/time/sync/schedule", Map.of("algorithm", "berkeley", "maxSkewMs", 5)),
                () -> api.admin("DELETE", "/api/time/sync/schedule", null));
        Api.Answer schedule = scheduled.answer();
        say.call("PUT /api/time/sync/schedule {algorithm: berkeley, maxSkewMs: 5}", schedule, schedule.ok()
                ? "ρ = " + schedule.field("rhoPpm") + " ppm (the largest drift surveyed), interval " + schedule.field("notesIntervalMs") + " ms" : schedule.detail());
        say.why("同步 §4.1", "a clock runs at 1 − ρ ≤ dC/dt ≤ 1 + ρ, so two clocks drift apart by up to 2ρ per second; to "
                + "keep them within δ of each other they must be resynchronized at least every δ/(2ρ) seconds.");
        if (schedule.ok()) {
            double rho = schedule.json().path("rhoPpm").asDouble() * 1e-6;
            double interval = schedule.json().path("notesIntervalMs").asDouble();
            say.check(rho > 0 && Math.abs(interval - 5 / (2 * rho)) <= 0.01 * interval,
                    String.format(Locale.ROOT, "δ/(2ρ) = 5 ms / (2 × %.0f × 10⁻⁶) = %.0f ms, as the service computed", rho * 1e6, 5 / (2 * rho)));
        } else {
            say.check(false, "the schedule was accepted");
        }
        scheduled.heal();
        say.say("DELETE /api/time/sync/schedule: stopped again (this demo runs its rounds by hand)");
        if (schedule.ok()) firstScheduledRound(s, schedule.field("node"), putMs);

        for (String algorithm : algorithms) {
            round(s, algorithm);
        }
    }

    private void round(Stage s, String algorithm) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String[] why = WHY.get(algorithm);
        say.step(title(algorithm) + " (" + why[0] + ")");
        skew(api, "time-1", 0, 0);
        for (var e : SKEW.entrySet()) skew(api, e.getKey(), e.getValue()[0], e.getValue()[1]);
        say.say("skewed: time-2 " + Narrator.signedMs(SKEW.get("time-2")[0]) + " at −45 ppm, time-3 "
                + Narrator.signedMs(SKEW.get("time-3")[0]) + " at +60 ppm; time-1, the reference, set to true time");
        Api.Answer r = api.post("/api/time/sync", Map.of("algorithm", algorithm));
        if (!say.check(r.ok(), "POST /api/time/sync {algorithm: " + algorithm + "} ran a round (" + r.brief()
                + (r.ok() ? "" : ": " + r.detail()) + ")")) {
            return;
        }
        JsonNode j = r.json();
        double before = j.path("before").path("maxSkewMs").asDouble();
        double after = j.path("after").path("maxSkewMs").asDouble();
        JsonNode bound = j.path("skewBoundMs");
        JsonNode msgs = j.path("messages");
        say.call("POST /api/time/sync {algorithm: " + algorithm + "}", r, "coordinator " + j.path("coordinator").asText()
                + (j.path("mode").isNull() ? "" : ", mode " + j.path("mode").asText()) + ", "
                + Narrator.ms(j.path("durationMs").asDouble()) + "; before " + map(j.path("before").path("offsetsMs"))
                + "; after (settled) " + map(j.path("after").path("offsetsMs")) + "; messages " + msgs.path("byType"));
        List<String> adjustments = new ArrayList<>();
        j.path("adjustments").fields().forEachRemaining(a -> adjustments.add(a.getKey() + " "
                + Narrator.signedMs(a.getValue().path("adjustmentMs").asDouble()) + " (± " + Narrator.ms(a.getValue().path("errorBoundMs").asDouble()) + ")"));
        say.say("adjustments: " + String.join(", ", adjustments));
        say.why(why[0], why[1]);
        say.check(after < before / 10 && (bound.isMissingNode() || bound.isNull() || after <= bound.asDouble()),
                "max skew " + Narrator.ms(before) + " → " + Narrator.ms(after)
                        + (bound.isNumber() ? ", within the bound the round computed (" + Narrator.ms(bound.asDouble()) + ")" : ""));
        say.check(msgs.path("count").asInt() == msgs.path("expected").asInt(), msgs.path("count").asInt() + " messages, "
                + "the count of the algorithm for this many samples: " + msgs.path("expected").asInt() + " (" + msgs.path("expectedRule").asText() + ")");
        if (algorithm.equals("berkeley") || algorithm.equals("averaging")) {
            double ref = j.path("after").path("offsetsMs").path("time-1").asDouble();
            say.say("the clocks now agree with each other, not with true time: time-1, which was exact, moved to "
                    + Narrator.signedMs(ref) + " with the average — the notes' point that these algorithms keep the "
                    + "machines together when nobody has an exact clock");
        }
        watchSlewing(s, after);
        if (algorithm.equals("ntp")) strata(s);
    }

    /**
     * A schedule runs its first round at once, and stopping it cancels the rounds to come, not one in flight: the
     * demo waits for that round's {@code time.sync.done} event (from Kafka, through the gateway) before it skews the
     * clocks, or the round's adjustments would land in the middle of the next demonstration (seen: a Berkeley delta
     * of −133 ms inside a Cristian round on a loaded machine).
     */
    private static void firstScheduledRound(Stage s, String node, long sinceMs) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            Api.Answer a = s.api().get("/api/events?service=time-service&kind=time.sync.done&limit=2000");
            for (JsonNode e : a.json().path("events")) {
                if (node.equals(e.path("node").asText()) && e.path("trueTimeMs").asLong() >= sinceMs) {
                    JsonNode f = e.path("fields");
                    s.say().say(String.format(Locale.ROOT, "the schedule's first round ran at once on %s (round %s): max skew "
                                    + "%.1f → %.1f ms, %d messages; the demo waited for it to end", node, f.path("round").asText(),
                            f.path("maxSkewBeforeNanos").asLong() / 1e6, f.path("maxSkewAfterNanos").asLong() / 1e6, f.path("messages").asInt()));
                    return;
                }
            }
            Thread.sleep(300);
        }
        s.say().check(false, "the schedule's first round (on " + node + ") ended within 20 s (GET /api/events, kind time.sync.done)");
    }

    /** Polls the clocks while the backward corrections are absorbed (slewing at half speed), printing each look. */
    private void watchSlewing(Stage s, double settledSkew) throws InterruptedException {
        Narrator say = s.say();
        long t0 = System.nanoTime();
        JsonNode last = null;
        boolean slewed = false;
        while (System.nanoTime() - t0 < 6_000_000_000L) {
            Api.Answer a = s.api().get("/api/time/nodes");
            if (!a.ok()) break;
            last = a.json();
            double pending = 0;
            for (JsonNode n : last) pending = Math.max(pending, Math.abs(n.path("pendingSlewMs").asDouble()));
            say.say(String.format(Locale.ROOT, "t + %.1f s: %s", (System.nanoTime() - t0) / 1e9, offsets(last)));
            if (pending < 0.5) break;
            slewed = true;
            Thread.sleep(400);
        }
        if (last == null) {
            say.check(false, "GET /api/time/nodes answered while the clocks slewed");
            return;
        }
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (JsonNode n : last) {
            double o = n.path("offsetMs").asDouble() + n.path("pendingSlewMs").asDouble();
            min = Math.min(min, o);
            max = Math.max(max, o);
        }
        if (slewed) {
            say.say("the clock that was ahead ran slow until it had absorbed its correction (it never ran backwards); "
                    + "the one behind was stepped forward at once");
        } else {
            say.say("the backward correction was absorbed while the round still ran (slewing at half speed)");
        }
        say.check(max - min <= settledSkew + SURVEY_SLACK_MS, "the clocks, as GET /api/time/nodes measures them, are "
                + Narrator.ms(max - min) + " apart once settled (the round said " + Narrator.ms(settledSkew)
                + "; the survey's own error is a few ms)");
    }

    private void strata(Stage s) {
        Api.Answer a = s.api().get("/api/time/nodes");
        List<String> strata = new ArrayList<>();
        boolean ok = a.ok();
        for (JsonNode n : a.json()) {
            boolean reference = n.path("reference").asBoolean();
            int stratum = n.path("stratum").asInt();
            strata.add(n.path("node").asText() + " stratum " + stratum + (n.path("parent").isNull() ? "" : " (from " + n.path("parent").asText() + ")"));
            ok &= reference ? stratum == 1 : stratum == 2 && n.path("parent").asText().equals("time-1");
        }
        s.say().check(ok, "strata: " + String.join(", ", strata) + " — the reference is stratum 1, whoever syncs from it stratum 2");
    }

    private static void skew(Api api, String node, double offsetMs, double driftPpm) {
        Api.Answer a = api.admin("PUT", "/api/time/nodes/" + node + "/clock", Map.of("offsetMs", offsetMs, "driftPpm", driftPpm));
        if (!a.ok()) throw new IllegalStateException("PUT /api/time/nodes/" + node + "/clock answered " + a.brief() + ": " + a.detail());
    }

    private static void restore(Api api, Map<String, double[]> initial) {
        for (var e : initial.entrySet()) skew(api, e.getKey(), e.getValue()[0], e.getValue()[1]);
    }

    private static String title(String algorithm) {
        return switch (algorithm) {
            case "cristian" -> "Cristian's algorithm";
            case "berkeley" -> "The Berkeley algorithm";
            case "averaging" -> "The averaging algorithm";
            default -> "NTP, client-server mode";
        };
    }

    static String offsets(JsonNode nodes) {
        List<String> parts = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (!n.path("reachable").asBoolean(true)) {
                parts.add(n.path("node").asText() + " unreachable");
                continue;
            }
            double pending = n.path("pendingSlewMs").asDouble();
            parts.add(n.path("node").asText() + " " + Narrator.signedMs(n.path("offsetMs").asDouble())
                    + (Math.abs(pending) >= 0.05 ? " (slewing " + Narrator.signedMs(pending) + ")" : ""));
        }
        return String.join(" · ", parts);
    }

    private static String map(JsonNode offsets) {
        List<String> parts = new ArrayList<>();
        offsets.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + Narrator.signedMs(e.getValue().asDouble())));
        return String.join(", ", parts);
    }
}
