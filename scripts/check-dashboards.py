#!/usr/bin/env python3
"""Runs every Grafana panel's queries against a live Prometheus and fails naming each panel without data.

   scripts/check-dashboards.py [--prometheus URL] [--eureka URL] [--wait SECONDS]
   scripts/check-dashboards.py --await-scrape     # returns once every target was scraped after it started

Run after a workload (scripts/e2e.sh does). Dashboard variables are set to "All" (their allValue, .*), as a
viewer opening the dashboard sees them; each variable's own query must list at least one value. Also checks
that Prometheus scrapes every instance Eureka lists as UP, plus the registry, and that every target is up.
Queries that are still empty are asked again until --wait runs out: a rate() needs two scrapes (5 s apart).
A counter is born with its first increment, and rate() never sees that one; so the workload runs twice with
--await-scrape between, and its second round is what the rate and latency panels show.
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get(url, accept="application/json"):
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def query(prom, expr):
    """(samples with a number, error or None) for an instant query at now."""
    try:
        body = get(f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    except urllib.error.HTTPError as e:
        return 0, f"HTTP {e.code}: {e.read().decode(errors='replace')[:200]}"
    except OSError as e:
        return 0, str(e)
    data = body.get("data", {})
    kind, result = data.get("resultType"), data.get("result", [])
    if kind == "scalar":
        result = [{"value": result}]
    # NaN (0/0: a ratio over a window without traffic) draws nothing: it counts as no data.
    return sum(1 for s in result if not math.isnan(float(s["value"][1]))), None


def substitute(expr, variables):
    for name, value in variables.items():
        expr = re.sub(r"\$\{" + name + r"(:[a-z]+)?\}|\$" + name + r"\b|\[\[" + name + r"\]\]", value, expr)
    return expr


def label_values_query(definition):
    """Grafana's label_values(selector, label) as PromQL: the label's values among the selector's series."""
    m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", definition)
    if not m:
        raise ValueError(f"unsupported variable query: {definition}")
    return f"count by ({m.group(2)}) ({m.group(1)})"


def checks(dashboards_dir):
    """(dashboard, what, expr) for every variable and every panel target, variables set to All."""
    out = []
    for path in sorted(glob.glob(os.path.join(dashboards_dir, "*.json"))):
        with open(path) as f:
            d = json.load(f)
        name = os.path.basename(path)[:-5]
        variables = {v["name"]: v.get("allValue") or ".*" for v in d.get("templating", {}).get("list", [])}
        for v in d.get("templating", {}).get("list", []):
            q = v.get("definition") or v["query"]["query"]
            out.append((name, f"variable ${v['name']}", substitute(label_values_query(q), variables)))
        for p in d["panels"]:
            for t in p.get("targets", []):
                out.append((name, f"{p['title']} [{t['refId']}]", substitute(t["expr"], variables)))
    return out


def check_targets(prom, eureka):
    """Failures: an instance Eureka lists UP that Prometheus does not scrape, or a target that is not up."""
    apps = get(f"{eureka}/apps")["applications"]["application"]
    expected = {i["instanceId"] for a in apps for i in a["instance"] if i["status"] == "UP"} | {"registry"}
    targets = get(f"{prom}/api/v1/targets?state=active")["data"]["activeTargets"]
    by_node = {t["labels"].get("node"): t for t in targets}
    fails = [f"{n}: registered UP in Eureka but not a Prometheus target" for n in sorted(expected - set(by_node))]
    fails += [f"{t['labels'].get('node')} ({t['scrapeUrl']}): {t['health']} {t.get('lastError', '')}".strip()
              for t in targets if t["health"] != "up"]
    return len(targets), fails


def await_scrape(prom, timeout):
    """Blocks until every active target has a scrape that started after this call (or timeout: exit 1)."""
    start = datetime.datetime.now(datetime.timezone.utc)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        targets = get(f"{prom}/api/v1/targets?state=active")["data"]["activeTargets"]
        # lastScrape is RFC 3339 with nanoseconds; seconds are precise enough against a 5 s interval.
        last = [datetime.datetime.fromisoformat(t["lastScrape"][:19]).replace(tzinfo=datetime.timezone.utc)
                for t in targets]
        if targets and all(l > start for l in last):
            return 0
        time.sleep(1)
    print(f"not every target was scraped within {timeout} s", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prometheus", default="http://127.0.0.1:9090")
    ap.add_argument("--eureka", default="http://127.0.0.1:8761/eureka")
    ap.add_argument("--dashboards", default=os.path.join(ROOT, "grafana", "dashboards"))
    ap.add_argument("--wait", type=float, default=45, help="seconds to keep asking empty queries again")
    ap.add_argument("--await-scrape", action="store_true", help="only wait until every target was scraped anew")
    args = ap.parse_args()
    if args.await_scrape:
        return await_scrape(args.prometheus, args.wait)

    todo = checks(args.dashboards)
    total, t0 = len(todo), time.monotonic()
    deadline = t0 + args.wait
    errors = {}
    while True:
        n_targets, target_fails = check_targets(args.prometheus, args.eureka)
        left = []
        for c in todo:
            n, err = query(args.prometheus, c[2])
            if n == 0:
                left.append(c)
                if err:
                    errors[c] = err
        todo = left
        if (not todo and not target_fails) or time.monotonic() > deadline:
            break
        time.sleep(2.5)

    dashboards = len({c[0] for c in checks(args.dashboards)})
    panels = sum(1 for c in checks(args.dashboards) if not c[1].startswith("variable"))
    for c in todo:
        print(f"not ok - {c[0]} / {c[1]}: {errors.get(c) or 'no data'}\n    {c[2]}")
    for f in target_fails:
        print(f"not ok - target {f}")
    took = time.monotonic() - t0
    print(f"dashboards: {dashboards} dashboards, {panels} panel queries and {total - panels} variables, "
          f"{total - len(todo)} return data, {len(todo)} empty; {n_targets} targets, {len(target_fails)} not up "
          f"({took:.1f} s)")
    return 1 if todo or target_fails else 0


if __name__ == "__main__":
    sys.exit(main())
