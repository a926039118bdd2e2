#!/usr/bin/env bash
# Runs a JMH benchmark of platform-core's tests: scripts/jmh.sh BENCHMARK [JMH options, e.g. -t 8 -p messages=8].
# The annotation processor generates the benchmarks at test-compile; this builds them and their classpath first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(($#)) || { echo "usage: scripts/jmh.sh BENCHMARK [JMH options] (e.g. FileDurableBench, MessageBatchBench)" >&2; exit 2; }
if [[ -z ${JMH_BUILT:-} ]]; then   # JMH_BUILT=1: built already (scripts/storage-bench.sh runs several in a row)
  echo "jmh: building platform-core's test classes (JMH generates the benchmarks)" >&2
  ./mvnw -B -q -pl platform-core test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test >&2
fi
CP="platform-core/target/test-classes:platform-core/target/classes:$(cat platform-core/target/bench.classpath)"
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
