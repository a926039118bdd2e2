package dsys.time.config;

import dsys.core.clock.DriftingClock;
import dsys.core.node.NodeId;
import dsys.platform.host.CoreHost;
import dsys.platform.host.CoreHosts;
import dsys.platform.node.DsysProperties;
import dsys.platform.node.NodeIdentity;
import dsys.time.core.TimeConfig;
import dsys.time.core.TimeNodeCore;
import dsys.time.ntp.NtpServerState;
import dsys.time.ntp.server.NtpPacket;
import dsys.time.ntp.server.NtpResponder;
import dsys.time.ntp.server.NtpUdpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires the time core into the platform: one core group "time" per node, the UDP NTP server reading the node's
 * clock, and the meters. "True time" is the host clock; the reference node's clock is the platform's perfect
 * DriftingClock (offset 0, drift 0, still skewable by an admin), since cores may not read the wall clock.
 */
@Configuration
@EnableConfigurationProperties(TimeProperties.class)
public class TimeServiceConfiguration {

    public static final String GROUP = "time";

    @Bean
    TimeConfig timeConfig(TimeProperties p) {
        List<NodeId> refs = p.getReference().stream().filter(s -> !s.isBlank()).map(NodeId::of).toList();
        NodeId daemon = p.getBerkeleyDaemon() == null || p.getBerkeleyDaemon().isBlank()
                ? (refs.isEmpty() ? NodeId.of("time-1") : refs.get(0)) : NodeId.of(p.getBerkeleyDaemon());
        Map<NodeId, List<NodeId>> servers = new LinkedHashMap<>();
        p.getNtp().getServers().forEach((n, list) -> servers.put(NodeId.of(n), list.stream().map(NodeId::of).toList()));
        return new TimeConfig(refs, daemon, servers, p.getReplyTimeout(), p.getRoundTimeout(), p.getAveragingLead(),
                p.getAveragingWindow(), p.getAveragingTrim(), p.getBerkeleyMaxDeviation().toNanos(),
                p.getMaxDelay().toNanos(), p.getRhoPpm(), p.getSamples(), p.getNtp().getSamples(), java.time.Duration.ZERO,
                p.getMinScheduleInterval(), p.getNtp().getOrphanStratum(), p.getAveragingIntervals(), p.getAveragingGap());
    }

    @Bean
    NtpServerState ntpServerState() {
        return new NtpServerState();
    }

    @Bean
    TimeMetrics timeMetrics(MeterRegistry registry, DriftingClock nodeClock, NtpServerState state) {
        return new TimeMetrics(registry, nodeClock, state);
    }

    @Bean
    CoreHost timeHost(CoreHosts hosts, TimeConfig config, NtpServerState state, TimeMetrics metrics,
                      DriftingClock nodeClock, NodeIdentity id, TimeProperties p) {
        if (!config.references().contains(id.self())) {
            DriftingClock.checkDrift(p.getClockDriftPpm());
            if (p.getClockOffsetMs() != 0) nodeClock.setOffsetNanos(p.getClockOffsetMs() * 1_000_000L);
            if (p.getClockDriftPpm() != 0) nodeClock.setDriftPpm(p.getClockDriftPpm());
        }
        return hosts.start(GROUP, env -> new TimeNodeCore(env, config, state, metrics::record));
    }

    @Bean
    org.springframework.boot.ApplicationRunner codecWarmup(com.fasterxml.jackson.databind.ObjectMapper json) {
        return args -> CodecWarmup.run(json);
    }

    @Bean(destroyMethod = "close")
    NtpUdpServer ntpUdpServer(TimeProperties p, NodeIdentity id, DriftingClock nodeClock, NtpServerState state,
                              DsysProperties dsys, TimeConfig config, MeterRegistry registry) throws Exception {
        Integer configured = p.getNtp().getPort();
        int port = configured != null ? configured : 12300 + Math.max(1, id.self().index());
        NtpResponder responder = new NtpResponder(nodeClock, state, node -> refIdOf(node, dsys.getPeers()),
                p.getNtp().getOrphanStratum(), config.rho());
        NtpUdpServer server = new NtpUdpServer(InetAddress.getByName(p.getNtp().getBind()), Math.max(0, port), nodeClock, responder);
        if (port >= 0) server.start();
        FunctionCounter.builder("dsys.time.ntp.packets", server, NtpUdpServer::answered).tag("result", "answered").register(registry);
        FunctionCounter.builder("dsys.time.ntp.packets", server, NtpUdpServer::dropped).tag("result", "dropped").register(registry);
        return server;
    }

    /** RFC 5905: above stratum 1 the reference id is the upstream server's IPv4 address. */
    static long refIdOf(String node, Map<String, String> peers) {
        String url = peers.get(node);
        try {
            String host = url == null ? "127.0.0.1" : URI.create(url).getHost();
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address) return NtpPacket.ipv4Id(a.getAddress());
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            // fall through: an unresolvable peer still gets a stable id
        }
        return NtpPacket.ipv4Id(new byte[]{127, 0, 0, 1});
    }
}
