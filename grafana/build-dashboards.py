#!/usr/bin/env python3
"""Writes grafana/dashboards/*.json from the panel list below: edit here, then run
   python3 grafana/build-dashboards.py            # rewrite the JSON files
   python3 grafana/build-dashboards.py --queries  # print every PromQL expression, one per line
The second form lets a check run each query against a live Prometheus (promtool query instant)."""
import json
import os
import sys

NOT_ACTUATOR = 'uri!~"/actuator.*"'


def panel(title, exprs, unit="short", legend="", kind="timeseries", thresholds=None, mappings=None):
    """exprs: a PromQL string or a list of (expr, legend) pairs."""
    if isinstance(exprs, str):
        exprs = [(exprs, legend)]
    p = {
        "type": kind,
        "title": title,
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "targets": [{"refId": chr(65 + i), "expr": e, "legendFormat": l or "__auto"}
                    for i, (e, l) in enumerate(exprs)],
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
    }
    if thresholds:
        p["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": thresholds}
        if kind == "timeseries":
            p["fieldConfig"]["defaults"]["custom"] = {"thresholdsStyle": {"mode": "line"}}
    if mappings:
        p["fieldConfig"]["defaults"]["mappings"] = mappings
    return p


def service_panels(service):
    """Request rate, latency and events: what every service's dashboard shows."""
    sel = f'service="{service}",{NOT_ACTUATOR}'
    return [
        panel("Requests by endpoint", f'sum by (method, uri) (rate(http_server_requests_seconds_count{{{sel}}}[1m]))',
              "reqps", "{{method}} {{uri}}"),
        panel("Mean latency by endpoint",
              f'sum by (method, uri) (rate(http_server_requests_seconds_sum{{{sel}}}[1m]))'
              f' / sum by (method, uri) (rate(http_server_requests_seconds_count{{{sel}}}[1m]))',
              "s", "{{method}} {{uri}}"),
        panel("Errors by status", f'sum by (status) (rate(http_server_requests_seconds_count{{{sel},status=~"[45].."}}[1m]))',
              "reqps", "{{status}}"),
        panel("Algorithm events by kind", f'sum by (kind) (rate(dsys_events_total{{service="{service}"}}[1m]))',
              "ops", "{{kind}}"),
    ]


RED_AT_100MS = [{"color": "green", "value": None}, {"color": "red", "value": 0.1}]
BREAKER = [{"type": "value", "options": {
    "0": {"text": "closed", "color": "green"},
    "1": {"text": "half open", "color": "yellow"},
    "2": {"text": "open", "color": "red"}}}]

DASHBOARDS = {
    "platform": ("dsys — platform overview", [
        panel("Live instances per service", "sum by (service) (up)", legend="{{service}}"),
        panel("Instance up", "up", legend="{{service}} {{node}}", kind="state-timeline",
              mappings=[{"type": "value", "options": {"0": {"text": "down", "color": "red"},
                                                      "1": {"text": "up", "color": "green"}}}]),
        # The gateway times what it routes as spring_cloud_gateway_requests only (http.server.requests is off there).
        panel("Requests per service", [
            (f'sum by (service) (rate(http_server_requests_seconds_count{{{NOT_ACTUATOR}}}[1m]))', "{{service}}"),
            ("sum(rate(spring_cloud_gateway_requests_seconds_count[1m]))", "gateway")], "reqps"),
        panel("p95 latency per service", [
            (f'histogram_quantile(0.95, sum by (service, le) (rate(http_server_requests_seconds_bucket{{{NOT_ACTUATOR}}}[1m])))',
             "{{service}}"),
            ("histogram_quantile(0.95, sum by (le) (rate(spring_cloud_gateway_requests_seconds_bucket[1m])))", "gateway")],
              "s"),
        panel("Server errors per service", [
            (f'sum by (service) (rate(http_server_requests_seconds_count{{{NOT_ACTUATOR},status=~"5.."}}[1m]))', "{{service}}"),
            ('sum(rate(spring_cloud_gateway_requests_seconds_count{httpStatusCode=~"5.."}[1m]))', "gateway")], "reqps"),
        panel("Heap used", 'sum by (service, node) (jvm_memory_used_bytes{area="heap"})', "bytes", "{{node}}"),
        panel("Algorithm events per service", "sum by (service) (rate(dsys_events_total[1m]))", "ops", "{{service}}"),
    ]),
    "time": ("dsys — time service", [
        panel("Clock offset per node (vs true time)", "max by (node) (dsys_clock_offset_seconds)", "s", "{{node}}"),
        panel("Max skew between nodes", "max(dsys_clock_skew_max_seconds)", "s", "max skew",
              thresholds=RED_AT_100MS),
        panel("Sync rounds per algorithm", "sum by (algorithm) (rate(dsys_time_sync_rounds_total[5m]))",
              "ops", "{{algorithm}}"),
        panel("Messages per sync round",
              "sum by (algorithm) (rate(dsys_time_sync_messages_total[5m]))"
              " / sum by (algorithm) (rate(dsys_time_sync_rounds_total[5m]))", "short", "{{algorithm}}"),
        panel("NTP packets (UDP)", "sum by (node, result) (rate(dsys_time_ntp_packets_total[1m]))",
              "pps", "{{node}} {{result}}"),
    ] + service_panels("time-service")),
    "locks": ("dsys — locks and coordination", [
        panel("Grants and denials per algorithm", [
            ("sum by (algorithm) (rate(dsys_lock_grants_total[1m]))", "granted {{algorithm}}"),
            ("sum by (algorithm) (rate(dsys_lock_denials_total[1m]))", "denied {{algorithm}}")], "ops"),
        panel("p95 wait before entry",
              "histogram_quantile(0.95, sum by (algorithm, le) (rate(dsys_lock_wait_seconds_bucket[1m])))",
              "s", "{{algorithm}}"),
        panel("Messages per entry (the notes' cost table)",
              "sum by (algorithm) (rate(dsys_lock_messages_total[5m]))"
              " / sum by (algorithm) (rate(dsys_lock_grants_total[5m]))", "short", "{{algorithm}}"),
        panel("Lease expiries", "sum by (node, algorithm) (rate(dsys_lock_lease_expiries_total[1m]))",
              "ops", "{{node}} {{algorithm}}"),
        panel("Leader each node follows (bully id, -1 none)", "max by (node, algorithm) (dsys_election_leader)",
              "short", "{{node}} {{algorithm}}"),
    ] + service_panels("lock-service")),
    "kv": ("dsys — key-value store", service_panels("kv-service")),
    "txn": ("dsys — transactions", service_panels("txn-coordinator")),
    "gateway": ("dsys — gateway", [
        panel("Circuit breakers", [(
            '2 * max by (name) (resilience4j_circuitbreaker_state{state="open"})'
            ' + max by (name) (resilience4j_circuitbreaker_state{state="half_open"})', "{{name}}")],
            kind="state-timeline", mappings=BREAKER),
        panel("Breaker failure rate", "max by (name) (resilience4j_circuitbreaker_failure_rate)", "percent", "{{name}}"),
        panel("Calls refused by open breakers", "sum by (name) (rate(resilience4j_circuitbreaker_not_permitted_calls_total[1m]))",
              "reqps", "{{name}}"),
        panel("Requests per route", "sum by (routeId) (rate(spring_cloud_gateway_requests_seconds_count[1m]))",
              "reqps", "{{routeId}}"),
        panel("Failed requests per route",
              'sum by (routeId, httpStatusCode) (rate(spring_cloud_gateway_requests_seconds_count{outcome!="SUCCESSFUL"}[1m]))',
              "reqps", "{{routeId}} {{httpStatusCode}}"),
        panel("p95 latency per route",
              "histogram_quantile(0.95, sum by (routeId, le) (rate(spring_cloud_gateway_requests_seconds_bucket[1m])))",
              "s", "{{routeId}}"),
    ]),
}


def dashboard(uid, title, panels):
    for i, p in enumerate(panels):
        p["id"] = i + 1
        p["gridPos"] = {"x": (i % 2) * 12, "y": (i // 2) * 8, "w": 12, "h": 8}
    return {"uid": f"dsys-{uid}", "title": title, "tags": ["dsys"], "schemaVersion": 39, "version": 1,
            "editable": False, "refresh": "5s", "time": {"from": "now-15m", "to": "now"},
            "timezone": "browser", "panels": panels, "templating": {"list": []}, "annotations": {"list": []}}


def main():
    if sys.argv[1:] == ["--queries"]:
        for _, panels in DASHBOARDS.values():
            for p in panels:
                for t in p["targets"]:
                    print(t["expr"])
        return
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")
    for uid, (title, panels) in DASHBOARDS.items():
        with open(os.path.join(out, uid + ".json"), "w") as f:
            json.dump(dashboard(uid, title, panels), f, indent=2, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
