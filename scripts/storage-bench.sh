#!/usr/bin/env bash
# Durable-put throughput of platform-core's write-ahead log at 1, 8 and 64 writer threads (JMH), with the
# fsyncs it took: the group commit's effect. Usage: scripts/storage-bench.sh [JMH options, e.g. -t 8]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($#)); then exec scripts/jmh.sh FileDurableBench "$@"; fi
scripts/jmh.sh -lp >/dev/null   # builds the benchmarks once
for t in 1 8 64; do
  echo "storage-bench: $t thread(s)" >&2
  JMH_BUILT=1 scripts/jmh.sh FileDurableBench -t "$t" -rf text -rff "platform-core/target/storage-bench-$t.txt" \
    | grep -E "^(Benchmark|FileDurableBench|# fsyncs)" || true
done
