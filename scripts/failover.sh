#!/usr/bin/env bash
# Lock-service fail-over windows, measured live through the gateway (called by `./platform failover`).
#
# For each algorithm and each lock node, and each fault: kill -9 the node (then `./platform start` it again), or
# SIGSTOP it for --pause-s seconds (then SIGCONT). From the fault on, a fresh acquire (+ release) of a new lock name
# is sent through the gateway every 100 ms, each in the background (a request stuck on a paused node does not
# hold up the next). The window is the time from the fault until the answer of the first of 3 requests in a row
# (in sending order) that were granted; failed = requests sent in that time that were not granted.
# Exit 1 when any window exceeds --max-s (default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PLATFORM=$ROOT/platform
GW=${GATEWAY_URL:-http://127.0.0.1:8080}
ALGORITHMS=centralized,ricart-agrawala,token-ring
NODES=lock-1,lock-2,lock-3
FAULTS=kill,pause
PAUSE_S=5
MAX_S=2
LIMIT_S=60

usage() {
  cat <<EOF
usage: ./platform failover [--algorithms=centralized,ricart-agrawala,token-ring] [--nodes=lock-1,lock-2,lock-3]
                           [--faults=kill,pause] [--pause-s=5] [--max-s=2]
Prints one line per window and a table at the end; exit 1 if any window is over --max-s seconds.
EOF
}

for a in "$@"; do
  case $a in
    --algorithms=*) ALGORITHMS=${a#*=} ;;
    --nodes=*) NODES=${a#*=} ;;
    --faults=*) FAULTS=${a#*=} ;;
    --pause-s=*) PAUSE_S=${a#*=} ;;
    --max-s=*) MAX_S=${a#*=} ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

TOKEN=$("$PLATFORM" token)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsys-failover.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

now() { echo "${EPOCHREALTIME/,/.}"; }
port_of() { echo $((8200 + ${1#lock-})); }
pid_of() { cat "$ROOT/.platform/pids/$1.pid"; }

# One acquire of a fresh name through the gateway, then its release; writes "index end-time ok|status" to $2/index.
probe() {
  local i=$1 dir=$2 body code token name="fo-$RANDOM$RANDOM-$1"
  body=$(curl -sS --max-time 2 -o - -w '\n%{http_code}' -H 'Content-Type: application/json' \
    --data '{"owner":"failover","leaseMs":2000,"waitMs":500}' "$GW/api/locks/$name/acquire" 2>/dev/null) \
    || body=$'\n000'
  code=${body##*$'\n'}
  printf '%s %s %s\n' "$i" "$(now)" "$([[ $code == 200 ]] && echo ok || echo "$code")" >"$dir/$i"
  if [[ $code == 200 ]]; then
    token=$(grep -o '"fencingToken":[0-9]*' <<<"$body" | cut -d: -f2)
    curl -sS --max-time 2 -o /dev/null -H 'Content-Type: application/json' \
      --data "{\"owner\":\"failover\",\"fencingToken\":$token}" \
      "$GW/api/locks/$name/release" >/dev/null 2>&1 || true
  fi
}

status_of() { curl -sS --max-time 2 "http://127.0.0.1:$(port_of "$1")/api/locks/_status" 2>/dev/null; }

# Every node up, in one epoch of algorithm $1, out of limbo, all three members (centralized: a coordinator; a node
# outside the member list relays to it); and the gateway serves.
settled() {
  local n s epochs=()
  for n in lock-1 lock-2 lock-3; do
    s=$(status_of "$n") || return 1
    grep -q "\"algorithm\":\"$1\"" <<<"$s" || return 1
    grep -q '"limbo":false' <<<"$s" || return 1
    if [[ $1 == centralized ]]; then grep -q '"coordinator":"lock-' <<<"$s" || return 1
    else grep -q '"members":\["lock-1","lock-2","lock-3"\]' <<<"$s" || return 1; fi
    epochs+=("$(grep -o '"epoch":[0-9]*' <<<"$s" | head -1)")
  done
  [[ $(printf '%s\n' "${epochs[@]}" | sort -u | wc -l) == 1 ]] || return 1
  local ok=0 k
  for k in 1 2 3; do probe "settle$k" "$WORK" && grep -q ' ok$' "$WORK/settle$k" && ok=$((ok + 1)); done
  ((ok == 3))
}

wait_settled() {
  local deadline=$((SECONDS + 90))
  until settled "$1"; do
    ((SECONDS < deadline)) || { echo "failover: the cluster did not settle on $1 within 90 s" >&2; exit 1; }
    sleep 0.5
  done
}

switch_to() {
  curl -fsS --max-time 15 -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data "{\"algorithm\":\"$1\"}" "$GW/api/locks/algorithm" >/dev/null || true
  wait_settled "$1"
}

# Measures one window; prints "seconds failed sent".
measure() {
  local alg=$1 node=$2 fault=$3 dir="$WORK/$alg-$node-$fault" t0 i=0 pid cont_at=
  mkdir -p "$dir"
  pid=$(pid_of "$node")
  t0=$(now)
  if [[ $fault == kill ]]; then
    kill -KILL "$pid"
  else
    kill -STOP "$pid"; cont_at=$(awk -v a="$t0" -v p="$PAUSE_S" 'BEGIN {printf "%.3f", a + p}')
  fi
  local result=""
  while :; do
    probe "$i" "$dir" &
    i=$((i + 1))
    if [[ -n $cont_at ]] && awk -v n="$(now)" -v c="$cont_at" 'BEGIN {exit !(n >= c)}'; then
      kill -CONT "$pid"; cont_at=
    fi
    result=$(window "$dir" "$t0" "$i") && break
    awk -v n="$(now)" -v a="$t0" -v l="$LIMIT_S" 'BEGIN {exit !(n - a > l)}' && { result="$LIMIT_S.000 - $i"; break; }
    sleep 0.1
  done
  # what the requests up to the window's end got, in sending order and run-length coded (000 = no answer)
  result+=" $(for ((j = 0; j < ${result##* }; j++)); do awk '{print $3}' "$dir/$j" 2>/dev/null || echo '?'; done |
    uniq -c | awk '{printf "%s%s×%d", (NR > 1 ? "," : ""), $2, $1}')"
  [[ -n $cont_at ]] && { sleep "$(awk -v c="$cont_at" -v n="$(now)" 'BEGIN {d = c - n; print (d > 0 ? d : 0)}')"; kill -CONT "$pid"; }
  echo "$result"
}

# The first run of 3 granted requests in a row (all answered); prints "window failed sent" or fails.
window() {
  local dir=$1 t0=$2 sent=$3 j run=0 first= failed=0 f end st
  for ((j = 0; j < sent; j++)); do
    f="$dir/$j"
    [[ -s $f ]] || return 1               # not answered yet: the order matters
    read -r _ end st <"$f"
    if [[ $st == ok ]]; then
      ((run == 0)) && first=$end
      run=$((run + 1))
      ((run == 3)) && { awk -v a="$t0" -v b="$first" -v f="$failed" -v s="$j" 'BEGIN {printf "%.3f %d %d\n", b - a, f, s + 1}'; return 0; }
    else
      failed=$((failed + 1)); run=0   # (the grants of a run cut short count as neither)
    fi
  done
  return 1
}

restore() {
  local node=$1 fault=$2
  # a start on a loaded machine can take minutes: wait longer than `up` does by default
  if [[ $fault == kill ]]; then PLATFORM_TIMEOUT=${PLATFORM_TIMEOUT:-400} "$PLATFORM" start "$node" >/dev/null; fi
}

results=()
worst_ok=1
for alg in ${ALGORITHMS//,/ }; do
  switch_to "$alg"
  for node in ${NODES//,/ }; do
    for fault in ${FAULTS//,/ }; do
      wait_settled "$alg"
      read -r secs failed sent answers < <(measure "$alg" "$node" "$fault")
      line=$(printf '%-16s %-7s %-6s %7s s %4s failed of %4s  %s' "$alg" "$node" "$fault" "$secs" "$failed" "$sent" \
        "$answers")
      if awk -v s="$secs" -v m="$MAX_S" 'BEGIN {exit !(s > m)}'; then line+="  OVER ${MAX_S} s"; worst_ok=0; fi
      echo "$line"
      results+=("$line")
      restore "$node" "$fault"
    done
  done
done

echo
echo "fail-over windows (fault → first of 3 fresh grants in a row through the gateway; limit ${MAX_S} s)"
printf '%-16s %-7s %-6s %9s %s\n' algorithm node fault window "failed of sent  answers in order (status×count)"
printf '%s\n' "${results[@]}"
((worst_ok)) || { echo "failover: a window exceeded ${MAX_S} s" >&2; exit 1; }
