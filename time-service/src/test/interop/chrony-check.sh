#!/usr/bin/env bash
# Interop check: a real NTP client (Debian's chrony) queries each running time node's NTP port, and the offset it
# measures must equal the node's clock minus this host's clock (GET /api/time/now, the quickest of 5 round trips)
# within TOLERANCE_MS. The node's own offset (GET /api/time/nodes) is shown beside it: it is against the node's
# anchored true time, which equals the host clock unless the host clock was stepped since the node started.
#
#   NODES="time-1:8101:12301 time-2:8102:12302 time-3:8103:12303" TOLERANCE_MS=5 ./chrony-check.sh
#
# chronyd -Q only measures (it never sets the clock) and, unlike Debian's sntp/ntpdig, takes a port. It prints
# "System clock wrong by X seconds": X > 0 means the server is ahead of this host. One run takes one sample, so a
# scheduling hiccup on a loaded machine can skew it: the median of RUNS runs is compared.
set -euo pipefail

NODES=${NODES:-"time-1:8101:12301 time-2:8102:12302 time-3:8103:12303"}
TOLERANCE_MS=${TOLERANCE_MS:-5}
RUNS=${RUNS:-3}
CHRONYD=$(command -v chronyd || echo /usr/sbin/chronyd)
[ -x "$CHRONYD" ] || { echo "chronyd not found: apt-get install -y chrony"; exit 2; }

chrony_ms() { # port → offset in ms measured by chrony
  "$CHRONYD" -Q -f /dev/null "server 127.0.0.1 port $1 iburst maxsamples 1" 2>&1 \
    | sed -n 's/.*System clock wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' | head -1 \
    | awk '{ printf "%.3f", $1 * 1000 }'
}

passed=0; failed=0
for spec in $NODES; do
  IFS=: read -r node http ntp <<<"$spec"
  runs=()
  for _ in $(seq "$RUNS"); do
    m=$(chrony_ms "$ntp")
    [ -n "$m" ] || { echo "FAIL $node: chronyd got no answer on udp $ntp"; failed=$((failed + 1)); continue 2; }
    runs+=("$m")
  done
  measured=$(printf '%s\n' "${runs[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  # What chrony should see: the node's clock against this host's clock now (GET /api/time/now between two host
  # readings; the node's own offsetMs is against its anchored true time, which a host clock step leaves behind).
  expected=$(python3 -c '
import json, sys, time, urllib.request
best = None
for _ in range(5):
    t0 = time.time() * 1000
    clock = json.load(urllib.request.urlopen("http://127.0.0.1:%s/api/time/now" % sys.argv[1], timeout=10))["clockMs"]
    t1 = time.time() * 1000
    if best is None or t1 - t0 < best[0]:
        best = (t1 - t0, clock - (t0 + t1) / 2)
print("%.3f" % best[1])' "$http")
  reported=$(curl -fsS --max-time 10 "http://127.0.0.1:$http/api/time/nodes" | python3 -c '
import json, sys
for n in json.load(sys.stdin):
    if n["node"] == sys.argv[1]:
        print("%.3f" % n["offsetMs"])' "$node")
  diff=$(awk -v a="$measured" -v b="$expected" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.3f", d }')
  if awk -v d="$diff" -v t="$TOLERANCE_MS" 'BEGIN { exit !(d <= t) }'; then
    echo "PASS $node: chrony ${measured} ms (runs ${runs[*]}), node clock - host clock ${expected} ms (node reports offset ${reported} ms), |diff| ${diff} ms"
    passed=$((passed + 1))
  else
    echo "FAIL $node: chrony ${measured} ms (runs ${runs[*]}), node clock - host clock ${expected} ms (node reports offset ${reported} ms), |diff| ${diff} ms > ${TOLERANCE_MS}"
    failed=$((failed + 1))
  fi
done
echo "chrony-interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
