package dsys.launcher.bench;

import java.util.List;
import java.util.Map;

/**
 * What a dsys transaction costs, from the nodes' own cumulative counters summed over the participants (kv nodes)
 * and the coordinator: every message any of them sent ({@code dsys_messages_sent_total}: votes and decisions,
 * and the quorum rounds that take and release the keys' locks), their write-ahead logs' fsyncs
 * ({@code dsys_storage_fsyncs_total}), and CPU time with the gateway's. Background traffic (anti-entropy,
 * heartbeats) is counted too: a few messages a second, small beside a run's.
 */
final class TxnCosts {

    private final Http http;
    private final String gateway;
    private final List<String> nodes;

    TxnCosts(Http http, String gateway, List<String> nodes) {
        this.http = http;
        this.gateway = gateway;
        this.nodes = nodes;
    }

    Map<String, Double> counters() throws Exception {
        double messages = 0, fsyncs = 0;
        double cpuNs = Http.metric(http.get(gateway + "/actuator/prometheus"), "process_cpu_time_ns_total");
        for (String n : nodes) {
            String prom = http.get(n + "/actuator/prometheus");
            messages += Http.metric(prom, "dsys_messages_sent_total");
            fsyncs += Http.metric(prom, "dsys_storage_fsyncs_total");
            cpuNs += Http.metric(prom, "process_cpu_time_ns_total");
        }
        return Map.of("messages", messages, "fsyncs", fsyncs, "cpu-ms", cpuNs / 1e6);
    }
}
