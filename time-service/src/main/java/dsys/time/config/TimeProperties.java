package dsys.time.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code dsys.time.*}: the time service's settings (defaults suit the local 3-node group on loopback). */
@ConfigurationProperties(prefix = "dsys.time")
public class TimeProperties {

    /** Nodes whose clock is the reference: NTP stratum 1 and Cristian's time server. */
    private List<String> reference = List.of("time-1");
    /** The Berkeley time daemon; empty = the first reference. */
    private String berkeleyDaemon;
    /** This node's clock at start: offset against true time (ignored on a reference node, which starts perfect). */
    private long clockOffsetMs;
    private double clockDriftPpm;
    private Duration replyTimeout = Duration.ofSeconds(1);
    private Duration roundTimeout = Duration.ofSeconds(20);
    private Duration averagingLead = Duration.ofMillis(100);
    private Duration averagingWindow = Duration.ofSeconds(1);
    /** Intervals per averaging sync and the spacing of a node's broadcasts within one. */
    private int averagingIntervals = 2;
    private Duration averagingGap = Duration.ofMillis(20);
    /** m of the averaging algorithm; negative = ⌊(n−1)/3⌋. */
    private int averagingTrim = -1;
    private Duration berkeleyMaxDeviation = Duration.ofSeconds(10);
    /** ρ and the largest one-way delay: they only enter the error bounds reported. */
    private double rhoPpm = 500;
    private Duration maxDelay = Duration.ofMillis(50);
    /** Round trips per client (Cristian), polls per machine (Berkeley), broadcasts per interval (averaging). */
    private int samples = 8;
    private Duration minScheduleInterval = Duration.ofMillis(200);
    private final Ntp ntp = new Ntp();

    public static class Ntp {
        /** UDP port of the NTP server; null = 12300 + the node's index (time-2 → 12302); 0 = any; -1 = off. */
        private Integer port;
        private String bind = "127.0.0.1";
        private int samples = 8;
        /** Stratum advertised while the node has no upstream (chrony's "local stratum"); 16 = say unsynchronized. */
        private int orphanStratum = 10;
        /** Candidate servers per node, e.g. dsys.time.ntp.servers.time-3=time-2; unlisted nodes use every other. */
        private Map<String, List<String>> servers = new LinkedHashMap<>();

        public Integer getPort() { return port; }
        public void setPort(Integer port) { this.port = port; }
        public String getBind() { return bind; }
        public void setBind(String bind) { this.bind = bind; }
        public int getSamples() { return samples; }
        public void setSamples(int samples) { this.samples = samples; }
        public int getOrphanStratum() { return orphanStratum; }
        public void setOrphanStratum(int orphanStratum) { this.orphanStratum = orphanStratum; }
        public Map<String, List<String>> getServers() { return servers; }
        public void setServers(Map<String, List<String>> servers) { this.servers = servers; }
    }

    public List<String> getReference() { return reference; }
    public void setReference(List<String> reference) { this.reference = reference; }
    public String getBerkeleyDaemon() { return berkeleyDaemon; }
    public void setBerkeleyDaemon(String berkeleyDaemon) { this.berkeleyDaemon = berkeleyDaemon; }
    public long getClockOffsetMs() { return clockOffsetMs; }
    public void setClockOffsetMs(long clockOffsetMs) { this.clockOffsetMs = clockOffsetMs; }
    public double getClockDriftPpm() { return clockDriftPpm; }
    public void setClockDriftPpm(double clockDriftPpm) { this.clockDriftPpm = clockDriftPpm; }
    public Duration getReplyTimeout() { return replyTimeout; }
    public void setReplyTimeout(Duration replyTimeout) { this.replyTimeout = replyTimeout; }
    public Duration getRoundTimeout() { return roundTimeout; }
    public void setRoundTimeout(Duration roundTimeout) { this.roundTimeout = roundTimeout; }
    public Duration getAveragingLead() { return averagingLead; }
    public void setAveragingLead(Duration averagingLead) { this.averagingLead = averagingLead; }
    public Duration getAveragingWindow() { return averagingWindow; }
    public void setAveragingWindow(Duration averagingWindow) { this.averagingWindow = averagingWindow; }
    public int getAveragingIntervals() { return averagingIntervals; }
    public void setAveragingIntervals(int averagingIntervals) { this.averagingIntervals = averagingIntervals; }
    public Duration getAveragingGap() { return averagingGap; }
    public void setAveragingGap(Duration averagingGap) { this.averagingGap = averagingGap; }
    public int getAveragingTrim() { return averagingTrim; }
    public void setAveragingTrim(int averagingTrim) { this.averagingTrim = averagingTrim; }
    public Duration getBerkeleyMaxDeviation() { return berkeleyMaxDeviation; }
    public void setBerkeleyMaxDeviation(Duration berkeleyMaxDeviation) { this.berkeleyMaxDeviation = berkeleyMaxDeviation; }
    public double getRhoPpm() { return rhoPpm; }
    public void setRhoPpm(double rhoPpm) { this.rhoPpm = rhoPpm; }
    public Duration getMaxDelay() { return maxDelay; }
    public void setMaxDelay(Duration maxDelay) { this.maxDelay = maxDelay; }
    public int getSamples() { return samples; }
    public void setSamples(int samples) { this.samples = samples; }
    public Duration getMinScheduleInterval() { return minScheduleInterval; }
    public void setMinScheduleInterval(Duration minScheduleInterval) { this.minScheduleInterval = minScheduleInterval; }
    public Ntp getNtp() { return ntp; }
}
