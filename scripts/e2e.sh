#!/usr/bin/env bash
# End-to-end test of the local platform: `./platform up`, requests through the gateway to every
# service, error shapes, two narrated demos, a killed node, Jepsen-style verify runs, `./platform down`. Prints `ok - NAME` / `not ok - NAME: WHY`
# per check and closes with `e2e: N passed, M failed`. Stops the platform however it ends.
set -uo pipefail   # no -e: a failing check is counted, the run goes on
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

GW=http://127.0.0.1:8080
EUREKA=http://127.0.0.1:8761/eureka/apps
# Nodes that must be registered in Eureka (the gateway and registry are checked on their own).
INSTANCES=(time-1 time-2 time-3 lock-1 lock-2 lock-3 kv-1 kv-2 kv-3 txn-1)
# One request per service through the gateway: "name|METHOD|path|JSON body|text the answer must contain".
ENDPOINTS=(
  'time-service|GET|/api/time/now||"clockMs"'
  'lock-service|GET|/api/locks/_stats||'
  'kv-service|GET|/api/kv/node||"service":"kv-service"'
  'txn-coordinator|GET|/api/txn/node||"node":"txn-1"'
  'events from Kafka|GET|/api/events?limit=5||"source":"kafka"'
)
ADMIN_ROUTE='GET /api/chaos'   # admin only: 401 without a token
KILL_NODE=time-2 KILL_SERVICE=time-service KILL_PATH=/api/time/now
GATEWAY_TIMEOUT=10             # s; dsys.gateway.timeouts.default

PASSED=0 FAILED=0 IS_UP=0 DOWN_DONE=0
TMP=$(mktemp -d)
# [t+N s]: seconds since the run began, so a slow CI run shows which part took the time.
pass() { PASSED=$((PASSED + 1)); echo "ok - $1  [t+${SECONDS} s]"; }
fail() { FAILED=$((FAILED + 1)); echo "not ok - $1: $2  [t+${SECONDS} s]"; }

finish() {
  if ((IS_UP && !DOWN_DONE)); then ./platform down >"$TMP/down.log" 2>&1 || cat "$TMP/down.log"; fi
  rm -rf "$TMP"
  echo "e2e: $PASSED passed, $FAILED failed"
  ((FAILED == 0))
}
trap 'finish; exit $?' EXIT
trap 'exit 130' INT TERM

# request METHOD URL [curl args...]: sets CODE, TYPE (content type), BODY, TOOK (s), ERR (curl's message).
request() {
  local method=$1 url=$2 out; shift 2
  out=$(curl -sS --max-time 40 -X "$method" -o "$TMP/body" -w '%{http_code} %{time_total} %{content_type}' "$@" "$url" 2>"$TMP/err")
  read -r CODE TOOK TYPE <<<"$out"
  BODY=$(cat "$TMP/body" 2>/dev/null); ERR=$(cat "$TMP/err")
}
short() { tr -d '\n' <<<"$1" | cut -c1-200; }

# ---- up
T0=$EPOCHREALTIME
# A short warm-up (the default runs until the JIT settles, up to 150 s): enough to see it run; later ups skip it.
if WARMUP_SECONDS=${E2E_WARMUP_SECONDS:-15} ./platform up 2>&1 | tee "$TMP/up.log"; then
  IS_UP=1
  pass "platform up"
else
  IS_UP=1   # whatever did start must still be stopped
  fail "platform up" "see the output above"
  exit 1
fi
READY_S=$(awk -v a="${T0/,/.}" -v b="${EPOCHREALTIME/,/.}" 'BEGIN {printf "%.1f", b - a}')
export WARMUP_SECONDS=0
warm=$(grep -o 'warm-up done after .*' "$TMP/up.log" | head -1)
if [[ $warm =~ ([0-9]+)\ lock\ ops,\ ([0-9]+)\ kv\ ops,\ 0\ errors ]] && ((BASH_REMATCH[1] > 0 && BASH_REMATCH[2] > 0)); then
  pass "platform up warms the request path: $warm"
else
  fail "platform up warms the request path" "${warm:-no warm-up line in the output of up}"
fi

# ---- registry and gateway
ids=$(curl -fsS -H 'Accept: application/json' "$EUREKA" 2>"$TMP/err" |
  jq -r '.. | objects | select(has("instanceId") and .status == "UP") | .instanceId' 2>>"$TMP/err" | sort)
missing=()
for n in "${INSTANCES[@]}"; do grep -qxF "$n" <<<"$ids" || missing+=("$n"); done
if ((${#missing[@]} == 0)); then pass "registry lists ${#INSTANCES[@]} instances UP"
else fail "registry lists ${#INSTANCES[@]} instances UP" "missing ${missing[*]} $(short "$(cat "$TMP/err")")"; fi

if out=$(curl -fsS --max-time 5 "$GW/actuator/health" 2>&1) && grep -q '"status":"UP"' <<<"$out"; then pass "gateway health UP"
else fail "gateway health UP" "$(short "$out")"; fi

# ---- one request per service through the gateway
for e in "${ENDPOINTS[@]}"; do
  IFS='|' read -r name method path body expect <<<"$e"
  args=(-fsS --max-time 40 -X "$method" -H 'Accept: application/json')
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  if out=$(curl "${args[@]}" "$GW$path" 2>&1) && [[ -z $expect || $out == *"$expect"* ]]; then
    pass "$name: $method $path"
  else
    fail "$name: $method $path" "$(short "$out")${expect:+ (expected $expect)}"
  fi
done

# ---- the Swagger UI lists every service's OpenAPI document and opens on one that has routes
SERVICES=(time-service lock-service kv-service txn-coordinator)
if cfg=$(curl -fsS --max-time 10 "$GW/v3/gateway-api-docs/swagger-config" 2>&1); then
  primary=$(jq -r '."urls.primaryName" // ""' <<<"$cfg")
  missing=()
  for s in "${SERVICES[@]}"; do jq -e --arg s "$s" 'any(.urls[]; .name == $s and .url == "/v3/api-docs/" + $s)' <<<"$cfg" >/dev/null || missing+=("$s"); done
  doc=$(jq -r --arg p "$primary" '.urls[] | select(.name == $p) | .url' <<<"$cfg")
  paths=$(curl -fsS --max-time 10 "$GW$doc" 2>/dev/null | jq '.paths | length' 2>/dev/null)
  if ((${#missing[@]} == 0)) && [[ " ${SERVICES[*]} " == *" $primary "* ]] && ((${paths:-0} > 0)); then
    pass "swagger UI lists ${SERVICES[*]} and opens on $primary ($paths paths)"
  else
    fail "swagger UI lists every service and opens on one with routes" "missing: ${missing[*]:-none}; primary '$primary' with ${paths:-no} paths"
  fi
else
  fail "swagger UI config" "$(short "$cfg")"
fi

# acquire NAME [OWNER] / release NAME TOKEN through the gateway as OWNER (default "e2e"; release: "e2e"): set OUT
# (the answer or curl's error); acquire also sets TOKEN, the fencing token.
acquire() {
  OUT=$(curl -fsS --max-time 40 -H 'Content-Type: application/json' \
    --data "{\"owner\":\"${2:-e2e}\",\"leaseMs\":5000,\"waitMs\":10000}" "$GW/api/locks/$1/acquire" 2>&1) &&
    TOKEN=$(jq -er '.fencingToken' <<<"$OUT" 2>/dev/null)
}
release() {
  OUT=$(curl -fsS --max-time 20 -H 'Content-Type: application/json' \
    --data "{\"owner\":\"e2e\",\"fencingToken\":$2}" "$GW/api/locks/$1/release" 2>&1)
}

# ---- a lock through the gateway: acquire, the fenced resource takes its token, release
lock="e2e-$$"
if acquire "$lock" && token=$TOKEN &&
   OUT=$(curl -fsS --max-time 20 -H 'Content-Type: application/json' \
      --data "{\"token\":$token,\"value\":\"e2e\"}" "$GW/api/locks/$lock/fenced-write" 2>&1) &&
   release "$lock" "$token"; then
  pass "lock-service: acquire, fenced write and release through the gateway (token $token)"
else
  fail "lock-service: acquire, fenced write and release through the gateway" "$(short "$OUT")"
fi

# ---- the live event stream (server-sent events from Kafka) through the gateway shows a lock's grant
# The stream follows the topic from when it connects, so the lock is taken again until its grant shows (30 tries).
lock="e2e-stream-$$"
curl -sS -N --max-time 20 -H 'Accept: text/event-stream' "$GW/api/events/stream?kind=lock." >"$TMP/stream" 2>&1 &
stream_pid=$!
seen=0
for _ in $(seq 30); do
  acquire "$lock" && release "$lock" "$TOKEN"
  if grep -q "\"kind\":\"lock.grant\".*\"name\":\"$lock\"" "$TMP/stream"; then seen=1; break; fi
  sleep 0.5
done
kill "$stream_pid" 2>/dev/null; wait "$stream_pid" 2>/dev/null
if ((seen)); then pass "event stream through the gateway: lock.grant of $lock ($(grep -c '^data:' "$TMP/stream") events)"
else fail "event stream through the gateway shows lock.grant of $lock" "$(short "$(head -c 300 "$TMP/stream")")"; fi

# ---- tracing: an acquire through the gateway that needs messages between lock nodes (its acting node is not the
# coordinator, or it replicates the hold) is one trace in Zipkin, with spans of the gateway and of two lock nodes
# (the request on one, the messages it caused on another); its steps' events carry the trace id.
hex_id() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
check_trace() {
  local zipkin=http://127.0.0.1:9411 trace= lock out= msgs=0 i services= events=
  if ! curl -fs --max-time 2 "$zipkin/health" >/dev/null; then fail "trace in Zipkin" "Zipkin is not running on :9411"; return; fi
  for i in $(seq 8); do   # a name whose acquire sends messages (each name has its own acting node)
    trace=$(hex_id 16) lock="e2e-trace-$$-$i"
    out=$(curl -fsS --max-time 40 -H 'Content-Type: application/json' -H "traceparent: 00-$trace-$(hex_id 8)-01" \
      --data '{"owner":"e2e","leaseMs":5000,"waitMs":10000}' "$GW/api/locks/$lock/acquire" 2>&1) || continue
    release "$lock" "$(jq -r .fencingToken <<<"$out")"
    msgs=$(jq -r '.messages.count // 0' <<<"$out")
    ((msgs > 0)) && break
  done
  if ((msgs == 0)); then fail "trace in Zipkin" "no acquire of 8 sent a message between lock nodes: $(short "$out")"; return; fi
  for _ in $(seq 40); do   # spans leave each process within about a second (the reporter's flush)
    services=$(curl -fsS --max-time 5 "$zipkin/api/v2/trace/$trace" 2>/dev/null |
      jq -r '[.[].localEndpoint.serviceName] | unique | join(" ")' 2>/dev/null)
    [[ " $services " == *" gateway "* && $(grep -o 'lock-[0-9]' <<<"$services" | sort -u | wc -l) -ge 2 ]] && break
    sleep 0.5
  done
  if [[ " $services " == *" gateway "* && $(grep -o 'lock-[0-9]' <<<"$services" | sort -u | wc -l) -ge 2 ]]; then
    pass "trace in Zipkin: acquire of $lock ($msgs messages) is trace $trace with spans of: $services"
  else
    fail "trace in Zipkin: gateway and two lock nodes in trace $trace" "its spans' services: '${services}'"
  fi
  for _ in $(seq 20); do
    events=$(curl -fsS --max-time 10 "$GW/api/events?limit=200" 2>/dev/null | jq -r --arg t "$trace" \
      '[.events[] | select(.traceId == $t) | "\(.kind)@\(.node)"] | unique | join(" ")' 2>/dev/null)
    [[ -n $events ]] && break
    sleep 0.5
  done
  if [[ -n $events ]]; then pass "events of the traced acquire carry its trace id: $events"
  else fail "events of the traced acquire carry its trace id" "none of the last 200 events has traceId $trace"; fi
}
check_trace

# ---- the web console in a real browser: Selenium drives Debian's headless chromium against this platform
# (gateway/src/test/java/dsys/gateway/console/ConsoleBrowserTest.java); screenshots: gateway/target/console-screenshots.
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  if ./mvnw -q -B -pl gateway -am test -Dtest=ConsoleBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Ddsys.console.url="$GW" -Ddsys.admin-token="$(./platform token)" >"$TMP/console.log" 2>&1; then
    pass "console in chromium: loads without console errors, lists every instance, crash red/restart green, lock acquire drawn, dragged partition in /api/chaos, stale read=one shown, a transfer whose coordinator crashed shown blocked then aborted ($(cat "$TMP/console.log" gateway/target/surefire-reports/dsys.gateway.console.ConsoleBrowserTest-output.txt 2>/dev/null | grep -c '^console screenshot') screenshots in gateway/target/console-screenshots)"
  else
    fail "console in chromium" "$(grep -E 'Tests run|FAIL|expected|Expecting|waiting for|Exception' "$TMP/console.log" | head -n 6 | tr '\n' ' ')"
  fi
elif [[ -n ${DSYS_REQUIRE_BROWSER:-} ]]; then
  fail "console in chromium" "/usr/bin/chromium or /usr/bin/chromedriver is missing (.ci/run installs chromium chromium-driver)"
else
  echo "# !!!!! SKIPPED the console's browser test: /usr/bin/chromium or /usr/bin/chromedriver is missing (apt-get install chromium chromium-driver)"
fi

# ---- X-Dsys-Node pins a request to one instance
for n in kv-1 kv-2 kv-3; do
  if out=$(curl -fsS --max-time 10 -H "X-Dsys-Node: $n" "$GW/api/kv/node" 2>&1) && [[ $out == *"\"node\":\"$n\""* ]]; then
    pass "X-Dsys-Node: $n answered by $n"
  else
    fail "X-Dsys-Node: $n answered by $n" "$(short "$out")"
  fi
done

# ---- a real NTP client (Debian's chrony) reads each time node's clock, one of them skewed by +1.5 s
CHRONYD=$(command -v chronyd || echo /usr/sbin/chronyd)
if [[ -x $CHRONYD ]]; then
  request PUT "$GW/api/time/nodes/time-2/clock" -H "Authorization: Bearer $(./platform token)" \
    -H 'Content-Type: application/json' --data '{"offsetMs":1500}'
  [[ $CODE == 2* ]] || fail "skew time-2 by +1.5 s" "got $CODE $(short "$BODY$ERR")"
  if out=$(bash time-service/src/test/interop/chrony-check.sh 2>&1); then
    pass "chrony reads every time node's offset within 5 ms"
  else
    fail "chrony reads every time node's offset within 5 ms" "$(short "$out")"
  fi
  sed 's/^/# /' <<<"$out"
else
  fail "chrony interop" "chronyd is not installed (apt-get install chrony; .ci/run does)"
fi

# ---- errors are problem+json
request GET "$GW/api/no-such-route"
if [[ $CODE == 404 && $TYPE == application/problem+json* ]]; then pass "unknown route: 404 problem+json"
else fail "unknown route: 404 problem+json" "got $CODE $TYPE $(short "$BODY$ERR")"; fi

request "${ADMIN_ROUTE% *}" "$GW${ADMIN_ROUTE#* }"
if [[ $CODE == 401 && $TYPE == application/problem+json* ]]; then pass "admin route without token: 401 problem+json"
else fail "admin route without token: 401 problem+json" "got $CODE $TYPE $(short "$BODY$ERR")"; fi

request "${ADMIN_ROUTE% *}" "$GW${ADMIN_ROUTE#* }" -H "Authorization: Bearer $(./platform token)"
if [[ $CODE == 2* ]]; then pass "admin route with the token: $CODE"
else fail "admin route with the token" "got $CODE $(short "$BODY$ERR")"; fi

# ---- every public route through the gateway with hostile inputs (launcher fuzz): no 5xx, no dead node
if ./platform fuzz >"$TMP/fuzz.log" 2>&1; then pass "fuzz: $(grep -o '[0-9]* requests; by status: .*' "$TMP/fuzz.log"), no 5xx, every node answers"
else fail "fuzz: no 5xx and every node answers" "$(grep -E '^fuzz: (5xx|no answer|[a-z])' "$TMP/fuzz.log" | head -n 5 | tr '\n' ' ')"; fi

# ---- narrated demos (./platform demo): the list, then demos run as checks (each exits 1 when the platform did not
# behave as narrated) that must leave no fault behind
if out=$(./platform demo 2>&1) && grep -q '^  byzantine ' <<<"$out" && grep -q '^  kv-primary-backup ' <<<"$out"; then
  pass "demo: ./platform demo lists $(grep -c '^  [a-z]' <<<"$out") demos"
else
  fail "demo: ./platform demo lists the demos" "$(short "$out")"
fi
for demo in byzantine election kv-chain kv-primary-backup kv-active kv-eventual commit orphans checkpoints; do
  t0=$SECONDS
  if ./platform demo "$demo" >"$TMP/demo-$demo.log" 2>&1; then
    pass "$(tail -n 1 "$TMP/demo-$demo.log") ($((SECONDS - t0)) s)"
  else
    fail "demo $demo behaves as narrated" "$(grep -E '✗|broke off' "$TMP/demo-$demo.log" | head -n 4 | tr '\n' ' ')"
  fi
done
request GET "$GW/api/chaos" -H "Authorization: Bearer $(./platform token)"
if [[ $CODE == 200 ]] && jq -e '[.nodes[].body | .crashed == false and .paused == false and (.partitions | length) == 0
                and (.crashPoints | length) == 0] | all' <<<"$BODY" >/dev/null; then
  pass "demos left no fault behind (no node crashed or paused, no partition, no crash point armed)"
else
  fail "demos left no fault behind" "$(short "$BODY")"
fi

# ---- memory, measured while everything runs
echo "# time to ready: ${READY_S} s in all; $(grep -o 'nodes healthy in .*' "$TMP/up.log" | head -1)"
total=0 pss_total=0
while read -r name pid; do
  kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  # PSS splits pages shared between processes (the JDK, a module's class-data archive) among them: the sum is
  # what the platform takes from the machine; RSS counts shared pages once per process.
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  total=$((total + kb)) pss_total=$((pss_total + pss))
  printf '# rss %-11s %5d MiB  pss %5d MiB\n' "$name" $((kb / 1024)) $((pss / 1024))
done < <(for f in .platform/pids/*.pid; do echo "$(basename "$f" .pid) $(cat "$f")"; done)
echo "# rss total       $((total / 1024)) MiB  pss total $((pss_total / 1024)) MiB"
if ((total < 4 * 1024 * 1024)); then pass "platform RSS $((total / 1024)) MiB <= 4096 MiB (PSS $((pss_total / 1024)) MiB)"
else fail "platform RSS <= 4096 MiB" "$((total / 1024)) MiB"; fi

# ---- a killed node: pinned requests get a quick 503 that names it, the others still answer
./platform kill "$KILL_NODE" >/dev/null
request GET "$GW$KILL_PATH" -H "X-Dsys-Node: $KILL_NODE"
if [[ $CODE == 503 && $TYPE == application/problem+json* && $BODY == *"$KILL_SERVICE"* ]] &&
   awk -v t="$TOOK" -v max="$GATEWAY_TIMEOUT" 'BEGIN {exit !(t <= max)}'; then
  pass "request pinned to killed $KILL_NODE: 503 problem+json in ${TOOK}s"
else
  fail "request pinned to killed $KILL_NODE: 503 problem+json naming $KILL_SERVICE" "got $CODE $TYPE in ${TOOK}s $(short "$BODY$ERR")"
fi
bad=0
for _ in 1 2 3 4 5 6; do request GET "$GW$KILL_PATH"; [[ $CODE == 200 ]] || bad=$((bad + 1)); done
if ((bad == 0)); then pass "unpinned $KILL_PATH still answers with $KILL_NODE dead (6/6)"
else fail "unpinned $KILL_PATH still answers with $KILL_NODE dead" "$bad of 6 failed, last: $CODE $(short "$BODY$ERR")"; fi

if ./platform start "$KILL_NODE" >"$TMP/start.log" 2>&1; then pass "platform start $KILL_NODE after kill"
else fail "platform start $KILL_NODE after kill" "$(tail -n 5 "$TMP/start.log" | tr '\n' ' ')"; fi

# ---- fail-over: kill -9 one lock node under each algorithm; fresh grants through the gateway again within 2 s
# (a sized-down `./platform failover`: one node per algorithm, kill only; the full run covers every node and pauses)
if ./platform failover --faults=kill --algorithms=centralized,ricart-agrawala,token-ring --nodes=lock-3 \
    --max-s=2 >"$TMP/failover.log" 2>&1; then
  pass "fail-over: fresh grants within 2 s of kill -9 of lock-3 under each algorithm: $(grep -E '^(centralized|ricart|token)' "$TMP/failover.log" | tail -n 3 | awk '{printf "%s %s s; ", $1, $4}')"
else
  fail "fail-over within 2 s of kill -9 of lock-3" "$(tail -n 6 "$TMP/failover.log" | tr '\n' ' ')"
fi

# ---- acknowledged means durable: grants and fenced writes survive kill -9 of every lock node at once.
# Each lock is granted twice (the first hold released) and the second token written to the fenced resource; then
# all three nodes die together and come back from their logs. The resource must still refuse the first, older
# token (409: issued, then superseded), refuse a token never issued (403), and a new grant of each lock must carry
# a higher token than the one acknowledged before the crash. The new grant goes to another client: a node restored
# from its log cannot tell how long it was down, so a recorded hold gets a full lease again from the restart
# (HoldRecords), and the old owner may be told "already-held" (409) until then; a new owner waits (waitMs 10 s).
DURABLE_LOCKS=12
declare -A granted=() older=()
acked=0
for i in $(seq "$DURABLE_LOCKS"); do
  lock="e2e-durable-$$-$i"
  if acquire "$lock" && first=$TOKEN && release "$lock" "$first" && acquire "$lock" &&
     OUT=$(curl -fsS --max-time 20 -H 'Content-Type: application/json' \
      --data "{\"token\":$TOKEN,\"value\":\"before-crash\"}" "$GW/api/locks/$lock/fenced-write" 2>&1); then
    granted[$lock]=$TOKEN; older[$lock]=$first; acked=$((acked + 1))
  fi
done
if ((acked == DURABLE_LOCKS)); then pass "durability: $acked locks granted and fenced before the crash"
else fail "durability: $DURABLE_LOCKS locks granted and fenced before the crash" "only $acked: $(short "$OUT")"; fi
for n in lock-1 lock-2 lock-3; do ./platform kill "$n" >/dev/null; done
if ./platform up lock-1 lock-2 lock-3 >"$TMP/restart.log" 2>&1; then pass "durability: lock-1..3 restarted after kill -9 of all three"
else fail "durability: lock-1..3 restarted after kill -9 of all three" "$(tail -n 5 "$TMP/restart.log" | tr '\n' ' ')"; fi
stale=0 forged=0 higher=0 why=
for lock in "${!granted[@]}"; do
  t=${granted[$lock]}
  request POST "$GW/api/locks/$lock/fenced-write" -H 'Content-Type: application/json' --data "{\"token\":${older[$lock]},\"value\":\"stale\"}"
  if [[ $CODE == 409 ]]; then stale=$((stale + 1)); else why="older token on $lock: $CODE $(short "$BODY$ERR")"; fi
  request POST "$GW/api/locks/$lock/fenced-write" -H 'Content-Type: application/json' --data "{\"token\":$((t + 1000000)),\"value\":\"forged\"}"
  if [[ $CODE == 403 ]]; then forged=$((forged + 1)); else why="forged token on $lock: $CODE $(short "$BODY$ERR")"; fi
  TOKEN=
  if acquire "$lock" e2e-after-crash && ((TOKEN > t)); then higher=$((higher + 1)); else why="re-acquire of $lock: ${TOKEN:-none} after $t $(short "$OUT")"; fi
done
if ((stale == acked && forged == acked && higher == acked)); then
  pass "durability: after the restart all $acked fenced resources refuse older (409) and forged (403) tokens, and every new grant's token is higher"
else
  fail "durability: every acknowledged grant still fences after kill -9 of all lock nodes" "$stale/$acked older refused, $forged/$acked forged refused, $higher/$acked higher; $why"
fi

# ---- the quorum KV store through the gateway: put, get with its ETag, a refused compare-and-set, durability
kv="$GW/api/kv/default"
request PUT "$kv/e2e-$$" -H 'Content-Type: text/plain' --data 'hello quorum'
request GET "$kv/e2e-$$" -D "$TMP/kvh"
etag=$(awk 'tolower($1) == "etag:" {print $2}' "$TMP/kvh" | tr -d '\r')
if [[ $CODE == 200 && $BODY == 'hello quorum' && -n $etag ]]; then pass "kv: put and linearizable get through the gateway (ETag $etag)"
else fail "kv: put and get through the gateway" "got $CODE $(short "$BODY$ERR")"; fi
request PUT "$kv/e2e-$$" -H 'Content-Type: text/plain' -H 'If-Match: "1.kv-1"' --data 'lost update'
if [[ $CODE == 412 && $TYPE == application/problem+json* ]]; then pass "kv: If-Match with a stale version is 412 problem+json"
else fail "kv: If-Match with a stale version is 412" "got $CODE $(short "$BODY$ERR")"; fi
DURABLE_KEYS=12 stored=0
for i in $(seq "$DURABLE_KEYS"); do
  request PUT "$kv/e2e-durable-$$-$i" -H 'Content-Type: text/plain' --data "value $i"
  [[ $CODE == 2* ]] && stored=$((stored + 1))
done
for n in kv-1 kv-2 kv-3; do ./platform kill "$n" >/dev/null; done
if ./platform up kv-1 kv-2 kv-3 >"$TMP/kv-restart.log" 2>&1; then
  back=0 why=
  for i in $(seq "$DURABLE_KEYS"); do
    request GET "$kv/e2e-durable-$$-$i"
    if [[ $CODE == 200 && $BODY == "value $i" ]]; then back=$((back + 1)); else why="key $i: $CODE $(short "$BODY$ERR")"; fi
  done
  if ((stored == DURABLE_KEYS && back == stored)); then pass "kv: all $stored acknowledged puts read back after kill -9 of kv-1..3"
  else fail "kv: acknowledged puts survive kill -9 of kv-1..3" "$stored stored, $back read back; $why"; fi
else
  fail "kv: kv-1..3 restarted after kill -9 of all three" "$(tail -n 5 "$TMP/kv-restart.log" | tr '\n' ' ')"
fi

# ---- atomic commit through the gateway: txn-1 coordinates, kv-1..3 take part (locks and intents in the keys'
# registers); a transfer commits under 2PC and 3PC, an unmet condition aborts, the money adds up
a="e2e-acct-a-$$" b="e2e-acct-b-$$"
request PUT "$kv/$a" -H 'Content-Type: text/plain' --data '100'
request PUT "$kv/$b" -H 'Content-Type: text/plain' --data '0'
outcomes=
for proto in 2pc 3pc; do
  request POST "$GW/api/txn" -H 'Content-Type: application/json' \
    --data "{\"protocol\":\"$proto\",\"operations\":[{\"key\":\"$a\",\"op\":\"add\",\"value\":\"-30\"},{\"key\":\"$b\",\"op\":\"add\",\"value\":\"30\"}]}"
  # a problem (no outcome) says why in its detail: a 504's names who broke off or timed out
  outcomes+="$proto: $CODE $(jq -r '(.outcome // "") + " " + (.reason // .detail // "")' <<<"$BODY" 2>/dev/null || short "$BODY$ERR"); "
done
request POST "$GW/api/txn" -H 'Content-Type: application/json' \
  --data "{\"protocol\":\"2pc\",\"operations\":[{\"key\":\"$a\",\"op\":\"add\",\"value\":\"-1000\"},{\"key\":\"$b\",\"op\":\"add\",\"value\":\"1000\"}]}"
refused=$(jq -r '.outcome' <<<"$BODY" 2>/dev/null)
request GET "$kv/$a"; va=$BODY
request GET "$kv/$b"; vb=$BODY
if [[ $outcomes == "2pc: 200 committed ; 3pc: 200 committed ; " && $refused == aborted && $va == 40 && $vb == 60 ]]; then
  pass "txn: a transfer between kv keys commits under 2PC and 3PC, an overdraft aborts; balances 40 + 60"
else
  fail "txn: transfers through the gateway over the kv participants" "$outcomes overdraft: $refused; balances $va $vb"
fi

# ---- the notes' comparison, live: txn-1 crashes (crash point before-decision) after every participant voted
# vote-commit. Under 2PC the kv participants block holding their locks (plain reads of the accounts get 409) until
# txn-1 is back and aborts; under 3PC they elect a new coordinator among themselves and finish without it.
admin=(-H "Authorization: Bearer $(./platform token)")
transfer() {   # PROTOCOL: a transfer between $a and $b that txn-1 will crash in the middle of
  request POST "$GW/api/chaos/crash-points" "${admin[@]}" -H 'Content-Type: application/json' --data '{"node":"txn-1","point":"before-decision"}'
  request POST "$GW/api/txn" -H 'Content-Type: application/json' --max-time 5 \
    --data "{\"protocol\":\"$1\",\"timeoutMs\":3000,\"operations\":[{\"key\":\"$a\",\"op\":\"add\",\"value\":\"-5\"},{\"key\":\"$b\",\"op\":\"add\",\"value\":\"5\"}]}"
}
unlocked_within() {   # SECONDS: 0 once a linearizable read of $a answers 200, 1 if it still does not
  local end=$((SECONDS + $1))
  while ((SECONDS < end)); do request GET "$kv/$a"; [[ $CODE == 200 ]] && return 0; sleep 0.5; done
  return 1
}
transfer 2pc
sleep 13   # past a participant's ready timeout (10 s): cooperative termination finds everyone READY
request GET "$kv/$a"; held=$CODE
request POST "$GW/api/chaos/nodes/txn-1/restart" "${admin[@]}"
if [[ $held == 409 ]] && unlocked_within 15 && [[ $BODY == 40 ]]; then
  pass "txn: 2PC blocks when the coordinator crashes after the votes (account locked 13 s later: 409), and aborts once it is back"
else
  fail "txn: 2PC blocking until the coordinator is back" "13 s after the crash: $held; after the restart: $CODE $(short "$BODY$ERR")"
fi
transfer 3pc
t0=$SECONDS
if unlocked_within 30 && [[ $BODY == 40 ]]; then
  pass "txn: 3PC finishes without its crashed coordinator (the participants' new coordinator aborted; unlocked after $((SECONDS - t0)) s)"
else
  fail "txn: 3PC terminates without the coordinator" "after $((SECONDS - t0)) s: $CODE $(short "$BODY$ERR")"
fi
request POST "$GW/api/chaos/nodes/txn-1/restart" "${admin[@]}"

# ---- the kv benchmark (dsys alone: CI has no etcd) measures, then deletes every key it wrote
./platform bench kv --systems=dsys --clients=4 --ops=put,get --seconds=2 --rounds=1 --warmup=0 --keys=50 >"$TMP/kvbench.log" 2>&1
rc=$? run=$(awk '$1 == "run:" {print $2}' "$TMP/kvbench.log")
request GET "$kv?prefix=$run-&limit=10"
if ((rc == 0)) && [[ -n $run && $CODE == 200 ]] && jq -e '.keys == []' <<<"$BODY" >/dev/null \
   && grep -qE '^\| 1 \| dsys \| put \| 4 \| [0-9.]+ ' "$TMP/kvbench.log"; then
  pass "bench kv: $(grep -o 'cleanup: [0-9]* keys deleted in [0-9]* s' "$TMP/kvbench.log"), none of $run's keys left"
else
  fail "bench kv --systems=dsys measures and leaves no key behind" "exit $rc, listing $CODE $(short "$BODY"): $(tail -n 4 "$TMP/kvbench.log" | tr '\n' ' ')"
fi

# ---- push against pull: every write is seen at every kv node both ways, with its staleness and messages
./platform bench staleness --writes=5 --poll-ms=50 >"$TMP/stale.log" 2>&1
rc=$?
if ((rc == 0)) && grep -qE '^\| default \| push \(watch\) \| [0-9.]+ .* \| 0 \|$' "$TMP/stale.log" \
   && grep -qE '^\| default \| pull every 50 ms \| [0-9.]+ .* \| 0 \|$' "$TMP/stale.log"; then
  pass "bench staleness: $(grep -E '^\| default \| push' "$TMP/stale.log" | awk -F'|' '{print "push p50" $4 "ms,"}') $(grep -E '^\| default \| pull' "$TMP/stale.log" | awk -F'|' '{print "pull p50" $4 "ms"}')"
else
  fail "bench staleness sees every write at every node by watch and by polling" "exit $rc: $(tail -n 5 "$TMP/stale.log" | tr '\n' ' ')"
fi

# ---- active replication over a Kafka partition (the sequencer): writes at kv-1 and kv-3 go on while kv-2 is killed
# -9; restarted, kv-2 replays the partition from its stored offset and every replica holds the same values
admin=(-H "Authorization: Bearer $(./platform token)")
request POST "$GW/api/kv/keyspaces" "${admin[@]}" -H 'Content-Type: application/json' --data '{"name":"active-log","mode":"active","sequencer":"kafka"}'
if [[ $CODE == 201 || $CODE == 200 ]] && jq -e '.sequencer == "kafka"' <<<"$BODY" >/dev/null; then
  # a new keyspace's topic and readers start first: one write acknowledged at each writer before the measured ones
  for n in 1 3; do
    end=$((SECONDS + 30))
    until request PUT "$GW/api/kv/active-log/e2e-ready" -H "X-Dsys-Node: kv-$n" -H 'Content-Type: text/plain' --data ready; [[ $CODE == 200 ]] || ((SECONDS > end)); do sleep 0.5; done
  done
  acked=0 refused=""
  for i in $(seq 1 120); do
    ((i == 40)) && { killed_ms=$(date +%s%3N); ./platform kill kv-2 >/dev/null; }
    request PUT "$GW/api/kv/active-log/e2e-$((i % 10))" -H "X-Dsys-Node: kv-$(( (i % 2) * 2 + 1 ))" -H 'Content-Type: text/plain' --data "w$i"
    if [[ $CODE == 200 ]]; then acked=$((acked + 1)); else refused+=" #$i: $CODE $(jq -r '.type // empty' <<<"$BODY" 2>/dev/null)"; fi
  done
  ./platform start kv-2 >"$TMP/start-kv2.log" 2>&1
  end=$((SECONDS + 60)) same=0
  while ((SECONDS < end && same < 10)); do
    same=0
    for k in $(seq 0 9); do
      want=w$((k == 0 ? 120 : 110 + k))
      request GET "$GW/api/kv/active-log/e2e-$k/replicas"
      jq -e --arg w "$want" '[.replicas[] | .value] | length == 3 and all(. == $w)' <<<"$BODY" >/dev/null 2>&1 && same=$((same + 1))
    done
    ((same < 10)) && sleep 1
  done
  replay=$(curl -s "$GW/api/events?kind=kv.active.seq.replay&limit=50" |
    jq -c --argjson t "$killed_ms" '[.events[] | select(.node == "kv-2" and .trueTimeMs > $t and .fields.count > 0) | .fields][0]')
  if ((acked == 120 && same == 10)) && [[ $replay != null ]]; then
    pass "active over a Kafka sequencer: 120/120 writes at kv-1 and kv-3 acknowledged, kv-2 killed -9 after the 40th; kv-2 replayed $replay; all 10 keys equal on every replica"
  else
    fail "active over a Kafka sequencer: writes go on without kv-2, which replays and converges" "acked $acked/120 (refused:$refused), keys equal on every replica $same/10, kv-2's replay $replay"
  fi
else
  fail "active over a Kafka sequencer: keyspace created" "$CODE $(short "$BODY")"
fi

# ---- Jepsen-style (./platform verify): 10 clients on 3 kv keys through the gateway with a partition and a kill -9;
# the verifier must find the history linearizable (exit 0). Then the control: reads at level one under a partition
# must be found not linearizable (exit 1), so the first check is not vacuous.
./platform verify register --time 20 --concurrency 10 --nemesis partition,kill --fault-s 5 --quiet-s 3 >"$TMP/verify.log" 2>&1
rc=$?
if ((rc == 0)); then pass "verify register (partition, kill -9): $(grep -o 'valid (register.*' "$TMP/verify.log" | head -n 1)"
else fail "verify register under partition and kill -9 is linearizable" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify.log" | tail -n 8 | tr '\n' ' ')"; fi
./platform verify register --keyspace chain --time 20 --concurrency 10 --nemesis partition,kill --fault-s 5 --quiet-s 3 >"$TMP/verify-chain.log" 2>&1
rc=$?
if ((rc == 0)); then pass "verify register --keyspace chain (partition, kill -9): $(grep -o 'valid (register.*' "$TMP/verify-chain.log" | head -n 1)"
else fail "verify register on the chain keyspace under partition and kill -9 is linearizable" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-chain.log" | tail -n 8 | tr '\n' ' ')"; fi
./platform verify register --keyspace pb --time 20 --concurrency 10 --nemesis partition,kill --fault-s 5 --quiet-s 3 >"$TMP/verify-pb.log" 2>&1
rc=$?
if ((rc == 0)); then pass "verify register --keyspace pb (partition, kill -9): $(grep -o 'valid (register.*' "$TMP/verify-pb.log" | head -n 1)"
else fail "verify register on the primary-backup keyspace under partition and kill -9 is linearizable" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-pb.log" | tail -n 8 | tr '\n' ' ')"; fi
./platform verify register --keyspace active --time 20 --concurrency 10 --nemesis partition,kill --fault-s 5 --quiet-s 3 >"$TMP/verify-active.log" 2>&1
rc=$?
if ((rc == 0)) && grep -q 'valid (sequential' "$TMP/verify-active.log"; then pass "verify register --keyspace active (partition, kill -9): $(grep -o 'valid (sequential.*' "$TMP/verify-active.log" | head -n 1)"
else fail "verify register on the active keyspace is sequentially consistent in its version order" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-active.log" | tail -n 8 | tr '\n' ' ')"; fi
./platform verify set --time 20 --concurrency 10 --nemesis partition,kill --fault-s 5 --quiet-s 3 >"$TMP/verify-set.log" 2>&1
rc=$?
if ((rc == 0)) && grep -q 'observed violations without the header' "$TMP/verify-set.log"; then
  pass "verify set (eventual; partition, kill -9): $(grep -o 'convergence valid.*' "$TMP/verify-set.log" | head -n 1 | cut -c1-200); $(grep -o 'read-your-writes: .*' "$TMP/verify-set.log" | head -n 1)"
else fail "verify set on the eventual keyspace: converged, last writer wins, session guarantees held where asked (exit 0)" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-set.log" | tail -n 8 | tr '\n' ' ')"; fi
./platform verify bank --time 20 --concurrency 3 --nemesis partition --fault-s 5 --quiet-s 3 >"$TMP/verify-bank.log" 2>&1
rc=$?
if ((rc == 0)); then pass "verify bank (partition): $(grep -o 'valid: .*' "$TMP/verify-bank.log" | head -n 1 | cut -c1-160)"
else fail "verify bank under partitions: every snapshot and the final balances add up (exit 0)" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-bank.log" | tail -n 6 | tr '\n' ' ')"; fi
./platform verify register --time 20 --concurrency 10 --nemesis partition --fault-s 8 --quiet-s 3 --read one >"$TMP/verify-one.log" 2>&1
rc=$?
if ((rc == 1)); then pass "verify register --read one under a partition: the checker finds it not linearizable"
else fail "verify --read one under a partition must be invalid (exit 1)" "exit $rc: $(grep -vE '^ +[0-9]+ s:' "$TMP/verify-one.log" | tail -n 8 | tr '\n' ' ')"; fi

# ---- dashboards and alerts: after a small workload every Grafana panel has data in the Prometheus that `up`
# started (scripts/check-dashboards.py), and a service that loses its only instance fires ServiceDown in Alertmanager.
panel_workload() {   # what the panels show: clock sync rounds, a lock, a kv write and read, a transaction
  local kv_key="$GW/api/kv/default/e2e-panels-$$" lock="e2e-panels-$$" alg
  for alg in cristian berkeley; do
    curl -fsS --max-time 20 -H 'Content-Type: application/json' --data "{\"algorithm\":\"$alg\"}" "$GW/api/time/sync" >/dev/null
  done
  acquire "$lock" && release "$lock" "$TOKEN"
  curl -fsS --max-time 10 -X PUT -H 'Content-Type: text/plain' --data 'panel' "$kv_key" >/dev/null
  curl -fsS --max-time 10 "$kv_key" >/dev/null
  curl -fsS --max-time 10 "$GW/api/txn/node" >/dev/null
  curl -fsS --max-time 20 -H 'Content-Type: application/json' "$GW/api/txn" \
    --data "{\"protocol\":\"2pc\",\"operations\":[{\"key\":\"e2e-panels-$$-acct\",\"op\":\"add\",\"value\":\"1\"}]}" >/dev/null
}
check_dashboards_and_alerts() {
  if ! curl -fs --max-time 2 http://127.0.0.1:9090/-/ready >/dev/null; then
    fail "dashboards and alerts" "Prometheus is not running (apt-get install prometheus prometheus-alertmanager; .ci/run does)"
    return
  fi
  # Twice, a scrape apart: rate() cannot see a counter's first increment (see check-dashboards.py).
  panel_workload; python3 scripts/check-dashboards.py --await-scrape; panel_workload
  if out=$(python3 scripts/check-dashboards.py 2>&1); then pass "$(tail -n 1 <<<"$out")"
  else fail "every dashboard panel returns data" "$(tail -n 1 <<<"$out")"; fi
  grep '^not ok' <<<"$out" | sed 's/^/# /'

  if ! curl -fs --max-time 2 http://127.0.0.1:9094/-/ready >/dev/null; then
    fail "alerts reach Alertmanager" "Alertmanager is not running (apt-get install prometheus-alertmanager)"
    return
  fi
  # txn-1 is txn-coordinator's only instance: killing it is a service losing every instance.
  ./platform kill txn-1 >/dev/null
  local t0=$SECONDS fired=0
  while ((SECONDS - t0 < 90)); do
    if curl -fsS --max-time 5 'http://127.0.0.1:9094/api/v2/alerts?filter=alertname="ServiceDown"' 2>/dev/null |
       jq -e 'any(.[]; .labels.service == "txn-coordinator" and .status.state == "active")' >/dev/null; then
      fired=1; break
    fi
    sleep 2
  done
  if ((fired)); then pass "alert: ServiceDown for txn-coordinator active in Alertmanager $((SECONDS - t0)) s after kill -9 of txn-1"
  else fail "alert: ServiceDown for txn-coordinator in Alertmanager within 90 s of killing txn-1" \
    "Prometheus' alerts: $(short "$(curl -s --max-time 5 http://127.0.0.1:9090/api/v1/alerts)")"; fi
  # The console shows it: the gateway's /api/console/alerts (what the page's alerts panel reads), then the panel itself.
  local shown
  shown=$(curl -fsS --max-time 10 "$GW/api/console/alerts" 2>&1)
  if jq -e 'any(.alerts[]; .name == "ServiceDown" and .service == "txn-coordinator" and .severity == "critical")' <<<"$shown" >/dev/null; then
    pass "console: GET /api/console/alerts lists ServiceDown (critical) for txn-coordinator since $(jq -r '.alerts[] | select(.name == "ServiceDown") | .since' <<<"$shown" | head -n 1)"
  else
    fail "console: GET /api/console/alerts lists ServiceDown for txn-coordinator" "$(short "$shown")"
  fi
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    if ./mvnw -q -B -pl gateway -am test -Dtest='ConsoleBrowserTest#theAlertsPanelShowsWhatAlertmanagerFires' \
        -Dsurefire.failIfNoSpecifiedTests=false -Ddsys.console.url="$GW" -Ddsys.admin-token="$(./platform token)" \
        -Ddsys.console.expect-alert=ServiceDown/txn-coordinator >"$TMP/console-alerts.log" 2>&1; then
      pass "console in chromium: the alerts panel and header badge show ServiceDown for txn-coordinator"
    else
      fail "console in chromium shows the firing alert" "$(grep -E 'Tests run|FAIL|expected|waiting for|Exception' "$TMP/console-alerts.log" | head -n 4 | tr '\n' ' ')"
    fi
  fi
  if ./platform start txn-1 >"$TMP/txn-start.log" 2>&1; then pass "platform start txn-1 after the alert"
  else fail "platform start txn-1 after the alert" "$(tail -n 5 "$TMP/txn-start.log" | tr '\n' ' ')"; fi
  # Back in Eureka, scraped, and the alert resolves (Prometheus stops sending it; Alertmanager drops it).
  t0=$SECONDS
  while ((SECONDS - t0 < 90)); do
    curl -fsS --max-time 5 'http://127.0.0.1:9094/api/v2/alerts?filter=alertname="ServiceDown"' 2>/dev/null |
      jq -e 'all(.[]; .labels.service != "txn-coordinator")' >/dev/null && break
    sleep 2
  done
  if ((SECONDS - t0 < 90)); then pass "alert: ServiceDown for txn-coordinator resolved $((SECONDS - t0)) s after txn-1 is back"
  else fail "alert: ServiceDown for txn-coordinator resolves once txn-1 is back" "still active after 90 s"; fi
}
check_dashboards_and_alerts

# ---- down leaves nothing behind
mapfile -t pids < <(cat .platform/pids/*.pid 2>/dev/null)
if ./platform down >"$TMP/down.log" 2>&1; then
  DOWN_DONE=1
  sleep 0.5
  left=()
  # A zombie (exited, not yet reaped by init) counts as gone.
  for p in "${pids[@]}"; do [[ -r /proc/$p/stat && $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]] && left+=("$p"); done
  shopt -s nullglob; files=(.platform/pids/*.pid); shopt -u nullglob
  if ((${#left[@]} == 0 && ${#files[@]} == 0)); then pass "platform down: ${#pids[@]} processes gone, no pid files"
  else fail "platform down leaves nothing" "still running: ${left[*]}; pid files: ${files[*]}"; fi
else
  fail "platform down" "$(tail -n 5 "$TMP/down.log" | tr '\n' ' ')"
fi
