#!/usr/bin/env bash
# Durable-put throughput of platform-core's write-ahead log at 1, 8 and 64 writer threads (JMH), with the
# fsyncs it took: the group commit's effect. Usage: scripts/storage-bench.sh [JMH options, e.g. -t 8]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "storage-bench: building platform-core's test classes (JMH generates the benchmark)" >&2
./mvnw -B -q -pl platform-core test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test >&2
CP="platform-core/target/test-classes:platform-core/target/classes:$(cat platform-core/target/bench.classpath)"
if (($#)); then exec java -cp "$CP" org.openjdk.jmh.Main FileDurableBench "$@"; fi
for t in 1 8 64; do
  echo "storage-bench: $t thread(s)" >&2
  java -cp "$CP" org.openjdk.jmh.Main FileDurableBench -t "$t" -rf text -rff "platform-core/target/storage-bench-$t.txt" \
    | grep -E "^(Benchmark|FileDurableBench|# fsyncs)" || true
done
