#!/usr/bin/env python3
"""Writes grafana/dashboards/*.json from the panel lists below: edit here, then run
   python3 grafana/build-dashboards.py            # rewrite the JSON files
   python3 grafana/build-dashboards.py --queries  # print every PromQL expression, one per line
scripts/check-dashboards.py runs every panel's queries against a live Prometheus (./platform test does, after
a workload) and fails naming each panel without data.

Rules the panels keep:
- Every dashboard has a `node` variable (and `service` where it spans services, `algorithm` where the service runs
  several); every selector filters on them with =~, and "All" is `.*`.
- A panel whose quantity can honestly be zero (errors, repairs, refused calls) ends in `or vector(0)` (labelled,
  see zero()), so an idle system shows 0, not "No data". A panel that must have data after a workload does not:
  empty there is a bug the check reports.

Metric contract for kv-service (Micrometer names, exported as dsys_kv_*; the kv dashboard is built on these):
  dsys.kv.operations         counter  tags level (one|quorum|all|...), outcome (ok|timeout|precondition|...)
  dsys.kv.quorum.latency     timer with percentile histogram (dsys_kv_quorum_latency_seconds_bucket), tag level
  dsys.kv.repairs            counter  (read repair and anti-entropy writes of a newer version to a stale replica)
  dsys.kv.tombstones         gauge    (deleted keys still held as tombstones)
  dsys.kv.replica.lag        gauge, seconds (how far this replica's newest applied write trails the coordinator's)
txn-coordinator (dsys_txn_*, txn-coordinator/README.md):
  dsys.txn.outcomes          counter  tags protocol (2pc|3pc), outcome (committed|aborted|unknown)
  dsys.txn.duration          timer with percentile histogram, tags protocol, outcome
  dsys.txn.decisions.published counter tag result (sent|retried|queue-full); kv nodes: dsys.txn.decisions.read
  (result learned|not-needed|refused); kv nodes: dsys.txn.participant.holding gauge (transactions holding keys there).
  The participants' steps are events, counted as dsys_events_total{kind}.
"""
import json
import os
import sys

NOT_ACTUATOR = 'uri!~"/actuator.*"'
DS = {"type": "prometheus", "uid": "prometheus"}
NODE = 'node=~"$node"'
ALG = 'algorithm=~"$algorithm"'
SVC = 'service=~"$service"'


def zero(**labels):
    """`or` fallback for a quantity that is legitimately zero: a 0 carrying the labels the legend names."""
    e = "vector(0)"
    for k, v in labels.items():
        e = f'label_replace({e}, "{k}", "{v}", "", "")'
    return " or " + e


def panel(title, exprs, unit="short", legend="", kind="timeseries", thresholds=None, mappings=None, description=None):
    """exprs: a PromQL string or a list of (expr, legend) pairs."""
    if isinstance(exprs, str):
        exprs = [(exprs, legend)]
    p = {
        "type": kind,
        "title": title,
        "datasource": DS,
        "targets": [{"refId": chr(65 + i), "expr": e, "legendFormat": l or "__auto"}
                    for i, (e, l) in enumerate(exprs)],
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
    }
    if description:
        p["description"] = description
    if thresholds:
        p["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": thresholds}
        if kind == "timeseries":
            p["fieldConfig"]["defaults"]["custom"] = {"thresholdsStyle": {"mode": "line"}}
    if mappings:
        p["fieldConfig"]["defaults"]["mappings"] = mappings
    return p


def var(name, query, label=None):
    """A multi-select query variable whose "All" is the regex .* (panels filter with =~)."""
    return {"name": name, "label": label or name, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": f"{name}-values"}, "definition": query,
            "includeAll": True, "allValue": ".*", "multi": True, "refresh": 2, "sort": 1,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}}


def node_var(service):
    return var("node", f'label_values(up{{service="{service}"}}, node)')


def http_panels(service):
    """Request rate, latency and errors of one service's own endpoints (the actuator's scrapes left out)."""
    sel = f'service="{service}",{NODE},{NOT_ACTUATOR}'
    return [
        panel("Requests by endpoint", f'sum by (method, uri) (rate(http_server_requests_seconds_count{{{sel}}}[1m]))',
              "reqps", "{{method}} {{uri}}"),
        panel("Mean latency by endpoint",
              f'sum by (method, uri) (rate(http_server_requests_seconds_sum{{{sel}}}[1m]))'
              f' / sum by (method, uri) (rate(http_server_requests_seconds_count{{{sel}}}[1m]))',
              "s", "{{method}} {{uri}}"),
        panel("Errors by status",
              f'sum by (status) (rate(http_server_requests_seconds_count{{{sel},status=~"[45].."}}[1m]))'
              + zero(status="none"), "reqps", "{{status}}",
              description="4xx and 5xx answers per second; 0 (\"none\") when every request succeeded."),
    ]


def events_panel(service):
    return panel("Algorithm events by kind",
                 f'sum by (kind) (rate(dsys_events_total{{service="{service}",{NODE}}}[1m]))', "ops", "{{kind}}",
                 description="Events the algorithm cores publish to Kafka (dsys.events), per kind.")


def messages_panels(service):
    """Peer messages through the shared transport (platform-core HttpTransport) and durable storage."""
    sel = f'service="{service}",{NODE}'
    return [
        panel("Peer messages sent", f'sum by (node, type) (rate(dsys_messages_sent_total{{{sel}}}[1m]))',
              "ops", "{{node}} {{type}}"),
        panel("Peer messages dropped or refused", [
            (f'sum by (reason) (rate(dsys_messages_dropped_total{{{sel}}}[1m]))' + zero(reason="none"),
             "dropped {{reason}}"),
            (f'sum by (reason) (rate(dsys_transport_rejected_total{{{sel}}}[1m]))' + zero(reason="none"),
             "refused {{reason}}")], "ops",
              description="Messages the transport gave up on, and peer messages refused (bad signature, unknown "
                          "peer...): 0 in a healthy run."),
        panel("Storage appends and fsyncs", [
            (f'sum by (node) (rate(dsys_storage_operations_total{{{sel}}}[1m]))', "appends {{node}}"),
            (f'sum by (node) (rate(dsys_storage_fsyncs_total{{{sel}}}[1m]))', "fsyncs {{node}}")], "ops",
              description="The durable log each node writes before it acknowledges (platform-core storage)."),
    ]


RED_AT_100MS = [{"color": "green", "value": None}, {"color": "red", "value": 0.1}]
BREAKER = [{"type": "value", "options": {
    "0": {"text": "closed", "color": "green"},
    "1": {"text": "half open", "color": "yellow"},
    "2": {"text": "open", "color": "red"}}}]
UP_DOWN = [{"type": "value", "options": {"0": {"text": "down", "color": "red"}, "1": {"text": "up", "color": "green"}}}]

PLATFORM = ("dsys — platform overview", [var("service", "label_values(up, service)"),
                                        var("node", 'label_values(up{service=~"$service"}, node)')], [
    panel("Live instances per service", f"count by (service) (up{{{SVC}}} == 1)", legend="{{service}}"),
    panel("Instance up", f"up{{{SVC},{NODE}}}", legend="{{service}} {{node}}", kind="state-timeline",
          mappings=UP_DOWN),
    # The gateway times what it routes as spring_cloud_gateway_requests only (http.server.requests is off there).
    panel("Requests per service", [
        (f'sum by (service) (rate(http_server_requests_seconds_count{{{SVC},{NODE},{NOT_ACTUATOR}}}[1m]))', "{{service}}"),
        ("sum(rate(spring_cloud_gateway_requests_seconds_count[1m]))", "through the gateway")], "reqps"),
    panel("p95 latency per service", [
        (f'histogram_quantile(0.95, sum by (service, le) (rate(http_server_requests_seconds_bucket{{{SVC},{NODE},{NOT_ACTUATOR}}}[1m])))',
         "{{service}}"),
        ("histogram_quantile(0.95, sum by (le) (rate(spring_cloud_gateway_requests_seconds_bucket[1m])))", "gateway")],
          "s"),
    panel("Server errors per service", [
        (f'sum by (service) (rate(http_server_requests_seconds_count{{{SVC},{NODE},{NOT_ACTUATOR},status=~"5.."}}[1m]))'
         + zero(service="none"), "{{service}}"),
        ('sum(rate(spring_cloud_gateway_requests_seconds_count{httpStatusCode=~"5.."}[1m]))' + zero(), "gateway")],
          "reqps", description="5xx per second; 0 when there were none."),
    panel("Algorithm events per service", f"sum by (service) (rate(dsys_events_total{{{SVC},{NODE}}}[1m]))", "ops",
          "{{service}}"),
    panel("Firing alerts", 'count by (alertname) (ALERTS{alertstate="firing"})' + zero(alertname="none"),
          legend="{{alertname}}", description="Rules of prometheus/alerts.yml that fire (Alertmanager: 127.0.0.1:9094)."),
])

TIME = ("dsys — time service", [node_var("time-service"),
                                var("algorithm", "label_values(dsys_time_sync_rounds_total, algorithm)")], [
    panel("Clock offset per node (vs true time)", f"max by (node) (dsys_clock_offset_seconds{{{NODE}}})", "s", "{{node}}"),
    panel("Skew between nodes (live offsets)",
          "max(dsys_clock_offset_seconds) - min(dsys_clock_offset_seconds)", "s", "skew",
          thresholds=RED_AT_100MS,
          description="Largest minus smallest live offset, what ClockSkewHigh alerts on."),
    panel("Skew the last round measured, per node", f"max by (node) (dsys_clock_skew_max_seconds{{{NODE}}})", "s",
          "{{node}}", description="Each node's gauge keeps its last round's measurement until it runs another."),
    panel("Sync rounds per algorithm", f"sum by (algorithm) (rate(dsys_time_sync_rounds_total{{{NODE},{ALG}}}[5m]))",
          "ops", "{{algorithm}}"),
    # Totals, not rates: the average since the nodes started. A rate needs two samples of one node's counter,
    # and the gateway spreads a few syncs over three nodes, so a rate ratio is often empty after a short workload.
    panel("Messages per sync round",
          f"sum by (algorithm) (dsys_time_sync_messages_total{{{NODE},{ALG}}})"
          f" / sum by (algorithm) (dsys_time_sync_rounds_total{{{NODE},{ALG}}})", "short", "{{algorithm}}"),
    panel("NTP packets (UDP)", f"sum by (node, result) (rate(dsys_time_ntp_packets_total{{{NODE}}}[1m]))",
          "pps", "{{node}} {{result}}"),
] + http_panels("time-service") + [events_panel("time-service")])

LOCKS = ("dsys — locks and coordination", [node_var("lock-service"),
                                          var("algorithm", "label_values(dsys_lock_grants_total, algorithm)")], [
    panel("Grants and denials per algorithm", [
        (f"sum by (algorithm) (rate(dsys_lock_grants_total{{{NODE},{ALG}}}[1m]))", "granted {{algorithm}}"),
        (f"sum by (algorithm) (rate(dsys_lock_denials_total{{{NODE},{ALG}}}[1m]))" + zero(algorithm="none"),
         "denied {{algorithm}}")], "ops"),
    panel("p95 wait before entry",
          f"histogram_quantile(0.95, sum by (algorithm, le) (rate(dsys_lock_wait_seconds_bucket{{{NODE},{ALG}}}[1m])))",
          "s", "{{algorithm}}"),
    panel("Messages per entry (the notes' cost table)",
          f"sum by (algorithm) (rate(dsys_lock_messages_total{{{NODE},{ALG}}}[5m]))"
          f" / sum by (algorithm) (rate(dsys_lock_grants_total{{{NODE},{ALG}}}[5m]))", "short", "{{algorithm}}"),
    panel("Lease expiries", f"sum by (node, algorithm) (rate(dsys_lock_lease_expiries_total{{{NODE},{ALG}}}[1m]))"
          + zero(node="none", algorithm="none"), "ops", "{{node}} {{algorithm}}",
          description="Leases that ran out before their holder released them: 0 when every holder released in time."),
    panel("Leader each node follows (bully id, -1 none)", f"max by (node, algorithm) (dsys_election_leader{{{NODE},{ALG}}})",
          "short", "{{node}} {{algorithm}}"),
] + http_panels("lock-service") + [events_panel("lock-service")] + messages_panels("lock-service"))

KV = ("dsys — key-value store", [node_var("kv-service"),
                                var("level", "label_values(dsys_kv_operations_total, level)", "consistency level")], [
    panel("Operations by level and outcome",
          f'sum by (level, outcome) (rate(dsys_kv_operations_total{{{NODE},level=~"$level"}}[1m]))',
          "ops", "{{level}} {{outcome}}"),
    panel("p95 quorum latency by level",
          f'histogram_quantile(0.95, sum by (level, le) (rate(dsys_kv_quorum_latency_seconds_bucket{{{NODE},level=~"$level"}}[1m])))',
          "s", "{{level}}"),
    panel("Repairs (stale replicas brought up to date)",
          f"sum by (node) (rate(dsys_kv_repairs_total{{{NODE}}}[1m]))" + zero(node="none"), "ops", "{{node}}",
          description="Read repair and anti-entropy writes; 0 while every replica is current."),
    panel("Tombstones held", f"sum by (node) (dsys_kv_tombstones{{{NODE}}})" + zero(node="none"), "short", "{{node}}",
          description="Deleted keys kept as tombstones until every replica has seen the delete; 0 before any delete."),
    panel("Replica lag", f"max by (node) (dsys_kv_replica_lag_seconds{{{NODE}}})", "s", "{{node}}"),
] + http_panels("kv-service") + messages_panels("kv-service"))

TXN = ("dsys — transactions", [node_var("txn-coordinator")], [
    panel("Transactions by protocol and outcome",
          f"sum by (protocol, outcome) (rate(dsys_txn_outcomes_total{{{NODE}}}[1m]))", "ops", "{{protocol}} {{outcome}}",
          description="POST /api/txn answers: committed, aborted, unknown (no decision within timeoutMs: a 504)."),
    panel("p95 time to decision",
          f"histogram_quantile(0.95, sum by (protocol, le) (rate(dsys_txn_duration_seconds_bucket{{{NODE}}}[1m])))",
          "s", "{{protocol}}", description="From the POST to the coordinator's decision."),
    panel("Participants: votes, termination, blocking",
          'sum by (kind) (rate(dsys_events_total{service="kv-service",kind=~"txn.vote|txn.decided|txn.termination|txn.blocked|txn.recovery.ask"}[1m]))',
          "ops", "{{kind}}", description="The kv participants' steps (events): txn.blocked is 2PC's blocking, "
                                          "txn.termination a participant asking the others or electing a 3PC coordinator."),
    panel("Transactions holding keys, per participant", [
        ('sum by (node) (dsys_txn_participant_holding{service="kv-service"})' + zero(node="none"), "{{node}}")],
          "short", description="Transactions with a prepared record at the kv node: locks taken, not yet released. "
                               "Above 0 for long: a participant in doubt (READY, 2PC blocking) or releases that cannot "
                               "reach a quorum."),
    panel("Decisions on Kafka (dsys.txn.decisions)", [
        (f"sum by (result) (rate(dsys_txn_decisions_published_total{{{NODE}}}[1m]))", "published {{result}}"),
        ('sum by (result) (rate(dsys_txn_decisions_read_total{service="kv-service"}[1m]))' + zero(result="none"),
         "read by participants {{result}}")], "ops",
          description="Every decision also goes to the topic; a participant that was down reads it on restart "
                      "(learned), one that already knew it skips it (not-needed); refused: not signed by a member."),
    panel("Coordinator recovery",
          f'sum by (kind) (rate(dsys_events_total{{{NODE},kind=~"txn.recovery.*"}}[1m]))' + zero(kind="none"), "ops", "{{kind}}",
          description="Transactions a restarted coordinator aborts, learns or resends; 0 while it has not restarted."),
] + http_panels("txn-coordinator"))

GATEWAY = ("dsys — gateway", [var("route", "label_values(spring_cloud_gateway_requests_seconds_count, routeId)")], [
    panel("Circuit breakers", [(
        '2 * max by (name) (resilience4j_circuitbreaker_state{state="open"})'
        ' + max by (name) (resilience4j_circuitbreaker_state{state="half_open"})', "{{name}}")],
          kind="state-timeline", mappings=BREAKER),
    panel("Breaker failure rate", "max by (name) (resilience4j_circuitbreaker_failure_rate)", "percent", "{{name}}",
          description="-1 until a breaker has seen its minimum number of calls."),
    panel("Calls refused by open breakers",
          "sum by (name) (rate(resilience4j_circuitbreaker_not_permitted_calls_total[1m]))" + zero(name="none"),
          "reqps", "{{name}}", description="0 while no breaker is open."),
    panel("Requests per route", 'sum by (routeId) (rate(spring_cloud_gateway_requests_seconds_count{routeId=~"$route"}[1m]))',
          "reqps", "{{routeId}}"),
    panel("Failed requests per route",
          'sum by (routeId, httpStatusCode) (rate(spring_cloud_gateway_requests_seconds_count{routeId=~"$route",outcome!="SUCCESSFUL"}[1m]))'
          + zero(routeId="none", httpStatusCode=""), "reqps", "{{routeId}} {{httpStatusCode}}",
          description="Non-2xx answers per route; 0 when all succeeded."),
    panel("p95 latency per route",
          'histogram_quantile(0.95, sum by (routeId, le) (rate(spring_cloud_gateway_requests_seconds_bucket{routeId=~"$route"}[1m])))',
          "s", "{{routeId}}"),
])

REGISTRY = ("dsys — registry (Eureka)", [var("service", 'label_values(up{job="dsys"}, service)')], [
    panel("Instances registered (scrape targets from Eureka)", f'count by (service) (up{{job="dsys",{SVC}}})',
          legend="{{service}}", description="Prometheus finds its targets through Eureka: one per registered instance."),
    panel("Registered instances that answer", f'count by (service) (up{{job="dsys",{SVC}}} == 1)', legend="{{service}}"),
    panel("Registry requests by endpoint",
          f'sum by (method, uri) (rate(http_server_requests_seconds_count{{service="registry",{NOT_ACTUATOR}}}[1m]))',
          "reqps", "{{method}} {{uri}}", description="Registrations, heartbeats (renewals) and fetches of the registry."),
    panel("Registry errors by status",
          f'sum by (status) (rate(http_server_requests_seconds_count{{service="registry",{NOT_ACTUATOR},status=~"5.."}}[1m]))'
          + zero(status="none"), "reqps", "{{status}}"),
])

# The events path: EventPublisher (platform-core) -> its own Kafka producer -> broker (launcher kafka, which exports
# no metrics itself) -> the gateway's event stream. kafka_producer_* are that producer's client metrics.
KAFKA = ("dsys — Kafka (events)", [var("service", "label_values(kafka_producer_record_send_total, service)"),
                                   var("node", 'label_values(kafka_producer_record_send_total{service=~"$service"}, node)')], [
    panel("Events published per kind", f"sum by (kind) (rate(dsys_events_total{{{SVC},{NODE}}}[1m]))", "ops", "{{kind}}"),
    panel("Records sent to the broker", f"sum by (service) (rate(kafka_producer_record_send_total{{{SVC},{NODE}}}[1m]))",
          "ops", "{{service}}"),
    panel("Bytes sent to the broker", f"sum by (service) (rate(kafka_producer_outgoing_byte_total{{{SVC},{NODE}}}[1m]))",
          "Bps", "{{service}}"),
    panel("Failed sends and dropped events", [
        (f"sum by (service) (rate(kafka_producer_record_error_total{{{SVC},{NODE}}}[1m]))" + zero(service="none"),
         "send errors {{service}}"),
        (f"sum by (service, reason) (rate(dsys_events_dropped_total{{{SVC},{NODE}}}[1m]))" + zero(service="none", reason=""),
         "dropped {{service}} {{reason}}")], "ops",
          description="Events lost on the way to Kafka (send failed, or the publisher's queue was full); 0 while the "
                      "broker keeps up."),
    panel("Broker connections per node", f"sum by (node) (kafka_producer_connection_count{{{SVC},{NODE}}})", "short",
          "{{node}}"),
])

JVM = ("dsys — JVM", [var("service", "label_values(up, service)"),
                      var("node", 'label_values(up{service=~"$service"}, node)')], [
    panel("Heap used", f'sum by (node) (jvm_memory_used_bytes{{{SVC},{NODE},area="heap"}})', "bytes", "{{node}}"),
    panel("Non-heap used", f'sum by (node) (jvm_memory_used_bytes{{{SVC},{NODE},area="nonheap"}})', "bytes", "{{node}}"),
    panel("GC pause time per second", f"sum by (node) (rate(jvm_gc_pause_seconds_sum{{{SVC},{NODE}}}[1m]))", "s",
          "{{node}}"),
    panel("Process CPU", f"max by (node) (process_cpu_usage{{{SVC},{NODE}}})", "percentunit", "{{node}}"),
    panel("Live threads", f"max by (node) (jvm_threads_live_threads{{{SVC},{NODE}}})", "short", "{{node}}"),
    panel("Uptime", f"max by (node) (process_uptime_seconds{{{SVC},{NODE}}})", "s", "{{node}}"),
])

DASHBOARDS = {"platform": PLATFORM, "time": TIME, "locks": LOCKS, "kv": KV, "txn": TXN, "gateway": GATEWAY,
              "registry": REGISTRY, "kafka": KAFKA, "jvm": JVM}


def dashboard(uid, title, variables, panels):
    for i, p in enumerate(panels):
        p["id"] = i + 1
        p["gridPos"] = {"x": (i % 2) * 12, "y": (i // 2) * 8, "w": 12, "h": 8}
    return {"uid": f"dsys-{uid}", "title": title, "tags": ["dsys"], "schemaVersion": 39, "version": 1,
            "editable": False, "refresh": "5s", "time": {"from": "now-15m", "to": "now"},
            "timezone": "browser", "panels": panels, "templating": {"list": variables}, "annotations": {"list": []},
            "links": [{"type": "dashboards", "tags": ["dsys"], "asDropdown": True, "title": "dsys"}]}


def main():
    if sys.argv[1:] == ["--queries"]:
        for _, _, panels in DASHBOARDS.values():
            for p in panels:
                for t in p["targets"]:
                    print(t["expr"])
        return
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
    for uid, (title, variables, panels) in DASHBOARDS.items():
        with open(os.path.join(out, uid + ".json"), "w") as f:
            json.dump(dashboard(uid, title, variables, panels), f, indent=2, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
