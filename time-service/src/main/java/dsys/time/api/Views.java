package dsys.time.api;

import dsys.time.core.NodeStatus;
import dsys.time.core.SyncDone;
import dsys.time.schedule.ScheduleInfo;
import dsys.time.sync.SyncResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON shapes of the REST API (milliseconds, as API.md fixes them), built from the cores' nanosecond records. */
public final class Views {

    private Views() {
    }

    static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3; // microsecond resolution
    }

    public record NodeView(String node, boolean reachable, Long clockMs, Long trueMs, Double offsetMs,
                           Double pendingSlewMs, Double driftPpm, Integer stratum, String parent, Boolean reference,
                           Long lamport) {
        static NodeView of(NodeStatus s) {
            if (!s.reachable()) return new NodeView(s.node(), false, null, null, null, null, null, null, null, null, null);
            return new NodeView(s.node(), true, Math.floorDiv(s.clockNanos(), 1_000_000L),
                    Math.floorDiv(s.trueNanos(), 1_000_000L), ms(s.offsetNanos()), ms(s.pendingSlewNanos()),
                    s.driftPpm(), s.stratum(), s.parent(), s.reference(), s.lamport());
        }
    }

    public record SnapshotView(double maxSkewMs, Map<String, Double> offsetsMs, Map<String, Double> pendingSlewMs,
                               List<String> unreachable) {
        static SnapshotView of(SyncResult.Snapshot s) {
            Map<String, Double> offsets = new TreeMap<>();
            Map<String, Double> pending = new TreeMap<>();
            s.nodes().forEach((n, st) -> {
                offsets.put(n, ms(st.settledOffsetNanos()));
                pending.put(n, ms(st.pendingSlewNanos()));
            });
            return new SnapshotView(ms(s.maxSkewNanos()), offsets, pending, s.unreachable());
        }
    }

    public record AdjustmentView(boolean applied, double adjustmentMs, double errorBoundMs, Map<String, Object> detail) {
        static AdjustmentView of(SyncDone d) {
            return new AdjustmentView(d.applied(), ms(d.adjustmentNanos()), ms(d.errorBoundNanos()), d.detail());
        }
    }

    public record SyncView(String round, String algorithm, String mode, String coordinator, double durationMs,
                           SnapshotView before, SnapshotView after, SyncResult.Messages messages,
                           Map<String, AdjustmentView> adjustments, double skewBoundMs, List<String> boundCovers,
                           String note) {
        static SyncView of(SyncResult r) {
            Map<String, AdjustmentView> adj = new LinkedHashMap<>();
            r.reports().forEach((n, d) -> adj.put(n, AdjustmentView.of(d)));
            return new SyncView(r.round(), r.algorithm(), r.mode(), r.coordinator(), ms(r.durationNanos()),
                    SnapshotView.of(r.before()), SnapshotView.of(r.after()), r.messages(), adj, ms(r.skewBoundNanos()),
                    r.boundCovers(), "offsets are settled offsets (offset + pending slew): where each clock is once "
                            + "its backward corrections are absorbed (slewing at half speed: a 2 s correction takes 4 s)");
        }
    }

    public record ScheduleView(boolean active, String node, String algorithm, double maxSkewMs, double rhoPpm,
                               double notesIntervalMs, double intervalMs, long rounds, double lastSkewMs) {
        static ScheduleView of(ScheduleInfo i) {
            return new ScheduleView(i.active(), i.node(), i.algorithm(), ms(i.maxSkewNanos()), i.rhoPpm(),
                    ms(i.notesIntervalNanos()), ms(i.intervalNanos()), i.rounds(), ms(i.lastSkewNanos()));
        }
    }

    public record NowView(String node, long clockMs, long lamport, Map<String, Long> vector) {
    }

    public record EventView(long lamport, String node, String kind, Map<String, Long> vector, String round) {
    }

    public record ClockChange(Double offsetMs, Double driftPpm, Boolean reference) {
    }

    public record SyncRequest(String algorithm, String mode, Integer samples) {
    }

    public record ScheduleRequest(String algorithm, Double maxSkewMs) {
    }

    public record CompareRequest(Map<String, Long> a, Map<String, Long> b) {
    }

    public record CompareView(String relation, Map<String, Long> a, Map<String, Long> b) {
    }
}
