#!/usr/bin/env bash
# Lock-service benchmark on a running platform (./platform up): acquire+release ops/s and op latency p50/p99
# per algorithm, on distinct locks (one per client) and on one contended lock, through the gateway or straight
# at the lock nodes. The load generator is wrk (apt-get install wrk) with lock-service/bench/lock.lua.
#   scripts/lock-bench.sh [--direct] [--seconds 10] [--clients 1,8,16,64] [--algorithms centralized,...]
#                         [--modes distinct,contended] [--warmup 20] [--rounds 1]
# --direct: one wrk per lock node (as many nodes as clients, up to 3), the clients split evenly over them;
# ops/s is the sum, p50 the mean and p99 the worst of the nodes' figures.
# --warmup: seconds of unreported load (8 clients, same path and mode) after each switch of algorithm and mode.
# The JVMs compile each algorithm's hot path with C2 only once it runs: cold, the first seconds after a switch
# run 10-30 % slower, which would measure the JIT rather than the algorithm.
# idle/steal %: the machine's CPU left idle and taken by the hypervisor (steal) during the cell, from /proc/stat.
# On a shared virtual machine steal swings a lot; a cell with more than a few % of it measured the host.
# The header names the platform's processes that run beside the benchmark: every other service on these two
# cores costs the lock path some CPU and wake-ups (lock-service/README.md compares the whole platform with the
# lock service alone, which is how etcd's 3 members were measured).
# --rounds R: measure every cell R times, the algorithms taking turns in each round so that they share the
# host's good and bad minutes; then print each cell's median, min and max over the rounds with at most 5 %
# steal. Between separately started clusters and hours, one cell moves by 10-20 % on this kind of machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GW=${GW:-http://127.0.0.1:8080}
NODES=(http://127.0.0.1:8201 http://127.0.0.1:8202 http://127.0.0.1:8203)
SECONDS_PER_CELL=10 WARMUP=20 CLIENTS=1,8,16,64 ALGORITHMS=centralized,ricart-agrawala,token-ring MODES=distinct,contended
DIRECT= ROUNDS=1
while (($#)); do
  case $1 in
    --direct) DIRECT=1 ;;
    --seconds) SECONDS_PER_CELL=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --clients) CLIENTS=$2; shift ;;
    --algorithms) ALGORITHMS=$2; shift ;;
    --modes) MODES=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive whole number, not '$ROUNDS'" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
TOKEN=$(cat .platform/admin-token 2>/dev/null) || { echo "no .platform/admin-token: is the platform up?" >&2; exit 2; }
curl -fsS --max-time 5 "$GW/actuator/health" >/dev/null || { echo "the gateway at $GW does not answer: ./platform up" >&2; exit 2; }
LUA=lock-service/bench/lock.lua

# Switch, then wait until every node is in one epoch of that algorithm.
switch() {
  curl -fsS --max-time 20 -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data "{\"algorithm\":\"$1\"}" "$GW/api/locks/algorithm" >/dev/null
  local deadline=$((SECONDS + 30)) views
  while ((SECONDS < deadline)); do
    views=$(for n in "${NODES[@]}"; do curl -fsS --max-time 5 "$n/api/locks/probe" | jq -r '"\(.algorithm) \(.epoch)"'; done | sort -u)
    [[ $(wc -l <<<"$views") -eq 1 && $views == "$1 "* ]] && return 0
    sleep 0.2
  done
  echo "the lock nodes did not settle on $1: $views" >&2; exit 1
}

# run TAG MODE CLIENTS URL -> "ops p50 p99 errors refused"
run() {
  LOCK_TAG=$1 LOCK_MODE=$2 wrk -t"$3" -c"$3" -d"${SECONDS_PER_CELL}s" --timeout 30s -s "$LUA" "$4" |
    awk '/^RESULT/ {print $3, $5, $7, $11, $13}'
}

# The machine's first /proc/stat line, and from two of them "idle steal": the shares (%) of CPU time left idle
# (with iowait) and taken by the hypervisor for other guests. A cell with much steal measured a busy host.
cpu_now() { head -1 /proc/stat 2>/dev/null || true; }
cpu_share() {
  awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
    if (n < 9) { print "- -"; exit }
    for (i = 2; i <= n; i++) { d[i] = y[i] - x[i]; t += d[i] }
    if (t <= 0) { print "- -"; exit }
    printf "%d %d", 100 * (d[5] + d[6]) / t + 0.5, 100 * d[9] / t + 0.5 }'
}

cell() {   # alg mode clients
  local tag="b$RANDOM-$1-$3" out before
  before=$(cpu_now)
  if [[ -z $DIRECT ]]; then
    out=$(run "$tag" "$2" "$3" "$GW")
  else
    local used=$(( $3 < ${#NODES[@]} ? $3 : ${#NODES[@]} )) i files=()
    local per=$(( ($3 + used - 1) / used ))
    for ((i = 0; i < used; i++)); do
      files+=("$(mktemp)")
      local t=$tag; [[ $2 == distinct ]] && t=$tag-n$i
      run "$t" "$2" "$per" "${NODES[$i]}" >"${files[$i]}" &
    done
    wait
    out=$(cat "${files[@]}" | awk '{o+=$1; p+=$2; if ($3>w) w=$3; e+=$4; r+=$5} END {printf "%.1f %.2f %.2f %d %d", o, p/NR, w, e, r}')
    rm -f "${files[@]}"
  fi
  read -r ops p50 p99 errors refused <<<"$out"
  read -r idle STEAL <<<"$(cpu_share "$before" "$(cpu_now)")"
  printf '| %-15s | %-9s | %3s | %8s | %7s | %8s | %s/%s | %3s/%-3s |\n' "$1" "$2" "$3" "$ops" "$p50" "$p99" \
    "$errors" "$refused" "$idle" "$STEAL"
}

# Unreported load through the measured path, so that the cells after it find the code compiled.
warm() {   # alg mode
  ((WARMUP > 0)) || return 0
  echo "  (warming up $1 / $2 for $WARMUP s)" >&2
  local cell_seconds=$SECONDS_PER_CELL
  SECONDS_PER_CELL=$WARMUP
  cell "$1" "$2" 8 >/dev/null
  SECONDS_PER_CELL=$cell_seconds
}

# The platform's processes that run now, as ./platform status sees them (a PID only for a live node of ours).
running_nodes() {
  ./platform status 2>/dev/null | awk 'NR > 1 && $1 != "total" && $2 != "-" {n++; s = s " " $1} END {printf "%d running:%s\n", n, s}'
}

echo "platform: $(running_nodes)"
echo "lock-service: $([[ -n $DIRECT ]] && echo "direct to ${NODES[*]}" || echo "through the gateway $GW"), ${SECONDS_PER_CELL} s per cell after ${WARMUP} s of warm-up per algorithm and mode$( ((ROUNDS > 1)) && echo ", $ROUNDS rounds")"
echo "| algorithm       | mode      | cl. |    ops/s |  p50 ms |   p99 ms | err/409 | idle/steal % |"
echo "|---|---|---|---|---|---|---|---|"
STEAL_WARN=5 STOLEN=() RESULTS=()
for ((round = 1; round <= ROUNDS; round++)); do
  for alg in ${ALGORITHMS//,/ }; do
    switch "$alg"
    for mode in ${MODES//,/ }; do
      warm "$alg" "$mode"
      for c in ${CLIENTS//,/ }; do
        cell "$alg" "$mode" "$c"   # sets ops and STEAL
        if [[ $STEAL =~ ^[0-9]+$ ]] && ((STEAL > STEAL_WARN)); then
          STOLEN+=("$alg/$mode/$c: $STEAL %")
        else
          RESULTS+=("$alg $mode $c $ops")
        fi
      done
    done
  done
done
if ((${#STOLEN[@]})); then
  echo "note: ${#STOLEN[@]} cell(s) ran with more than $STEAL_WARN % of the CPU stolen by the hypervisor; their figures" \
    "measured a busy host$( ((ROUNDS > 1)) && echo " and are left out of the summary"), run them again: ${STOLEN[*]}" >&2
fi
if ((ROUNDS > 1)); then
  echo
  echo "Over $ROUNDS rounds, cells with at most $STEAL_WARN % steal (ops/s):"
  echo "| algorithm       | mode      | cl. | median |    min |    max | cells |"
  echo "|---|---|---|---|---|---|---|"
  for alg in ${ALGORITHMS//,/ }; do
    for mode in ${MODES//,/ }; do
      for c in $(tr ',' '\n' <<<"$CLIENTS" | sort -nu); do
        printf '%s\n' "${RESULTS[@]}" | awk -v a="$alg" -v m="$mode" -v c="$c" '$1 == a && $2 == m && $3 == c {print $4}' |
          sort -n | awk -v a="$alg" -v m="$mode" -v c="$c" -v r="$ROUNDS" -v per="$(tr ',' '\n' <<<"$CLIENTS" | grep -cx "$c")" '
            {v[NR] = $1} END {
              if (NR == 0) { printf "| %-15s | %-9s | %3s | %6s | %6s | %6s | 0/%d |\n", a, m, c, "-", "-", "-", r * per; exit }
              med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "| %-15s | %-9s | %3s | %6.0f | %6.0f | %6.0f | %d/%d |\n", a, m, c, med, v[1], v[NR], NR, r * per }'
      done
    done
  done
fi
