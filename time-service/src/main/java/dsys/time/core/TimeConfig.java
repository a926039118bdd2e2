package dsys.time.core;

import dsys.core.gather.Gathers;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The system parameters of notes §4 and the service's choices. {@code rhoPpm} (ρ, the largest drift the system
 * admits) and {@code maxDelayNanos} (the largest one-way delay) only enter the error bounds the algorithms report;
 * the algorithms themselves measure what they need.
 *
 * @param references       nodes whose clock is the reference ("true time", NTP stratum 1; Cristian's time server)
 * @param berkeleyDaemon   the Berkeley time daemon (configured: there are no elections in this service)
 * @param ntpServers       candidate NTP servers per node; a node not listed uses every other member
 * @param replyTimeout     how long one poll waits for its answer
 * @param roundTimeout     how long a coordinator waits for a whole round before answering with what it has
 * @param averagingLead    how far ahead of now the averaging round's T0 is set
 * @param averagingWindow  how long a node collects broadcasts after its own (it stops early once all arrived)
 * @param averagingTrim    m highest and m lowest discarded; negative: ⌊(n−1)/3⌋
 * @param berkeleyMaxDeviationNanos clocks further than this from the median are left out of the average
 * @param orphanStratum    what the UDP NTP server advertises while its node has no upstream (chrony's "local stratum")
 * @param averagingIntervals how many intervals (T0 + iR) one averaging sync runs: the first brings clocks close,
 *                         the next ones, begun nearly together, measure each pair's delay from both directions
 * @param averagingGap     spacing of a node's several broadcasts in one interval
 */
public record TimeConfig(List<NodeId> references, NodeId berkeleyDaemon, Map<NodeId, List<NodeId>> ntpServers,
                         Duration replyTimeout, Duration roundTimeout, Duration averagingLead,
                         Duration averagingWindow, int averagingTrim, long berkeleyMaxDeviationNanos,
                         long maxDelayNanos, double rhoPpm, int samples, int ntpSamples,
                         Duration serverProcessing, Duration minScheduleInterval, int orphanStratum,
                         int averagingIntervals, Duration averagingGap) {

    public TimeConfig {
        references = List.copyOf(references);
        ntpServers = Map.copyOf(ntpServers);
        if (samples < 1 || ntpSamples < 1) throw new IllegalArgumentException("samples must be ≥ 1");
    }

    public static TimeConfig defaults() {
        return new TimeConfig(List.of(NodeId.of("time-1")), NodeId.of("time-1"), Map.of(),
                Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2), -1,
                10_000_000_000L, 50_000_000L, 500, 1, 4, Duration.ZERO, Duration.ofMillis(200), 10, 1, Duration.ofMillis(10));
    }

    public double rho() {
        return rhoPpm / 1e6;
    }

    /** Surveys wait {@code replyTimeout} and ask a silent node once more: one lost message must not make it look down. */
    public Gathers.Patience patience() {
        return new Gathers.Patience(replyTimeout, 2);
    }

    public TimeConfig withReferences(List<NodeId> refs, NodeId daemon) {
        return new TimeConfig(refs, daemon, ntpServers, replyTimeout, roundTimeout, averagingLead, averagingWindow,
                averagingTrim, berkeleyMaxDeviationNanos, maxDelayNanos, rhoPpm, samples, ntpSamples,
                serverProcessing, minScheduleInterval, orphanStratum, averagingIntervals, averagingGap);
    }

    public TimeConfig withNtpServers(Map<NodeId, List<NodeId>> servers) {
        return new TimeConfig(references, berkeleyDaemon, servers, replyTimeout, roundTimeout, averagingLead,
                averagingWindow, averagingTrim, berkeleyMaxDeviationNanos, maxDelayNanos, rhoPpm, samples, ntpSamples,
                serverProcessing, minScheduleInterval, orphanStratum, averagingIntervals, averagingGap);
    }

    public TimeConfig withBounds(long maxDelay, double rhoPpm, Duration serverProcessing) {
        return new TimeConfig(references, berkeleyDaemon, ntpServers, replyTimeout, roundTimeout, averagingLead,
                averagingWindow, averagingTrim, berkeleyMaxDeviationNanos, maxDelay, rhoPpm, samples, ntpSamples,
                serverProcessing, minScheduleInterval, orphanStratum, averagingIntervals, averagingGap);
    }

    public TimeConfig withTimeouts(Duration reply, Duration round, Duration window, int trim, long maxDeviation) {
        return new TimeConfig(references, berkeleyDaemon, ntpServers, reply, round, averagingLead, window, trim,
                maxDeviation, maxDelayNanos, rhoPpm, samples, ntpSamples, serverProcessing, minScheduleInterval,
                orphanStratum, averagingIntervals, averagingGap);
    }

    public TimeConfig withAveraging(int intervals, int samples, Duration gap) {
        return new TimeConfig(references, berkeleyDaemon, ntpServers, replyTimeout, roundTimeout, averagingLead,
                averagingWindow, averagingTrim, berkeleyMaxDeviationNanos, maxDelayNanos, rhoPpm, samples, ntpSamples,
                serverProcessing, minScheduleInterval, orphanStratum, intervals, gap);
    }

    /** Bound-keeping slack for rounding in the clock model (nanosecond rounding on each read). */
    public static final long SLACK_NANOS = 1_000;
}
