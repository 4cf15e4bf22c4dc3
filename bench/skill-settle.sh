#!/bin/sh
# How a GraalPy skill settles after load (SkillSettle): bench/skill-settle.sh [workload] [seconds] [threads]
# Extra JVM options (e.g. -Dpolyglot.engine.Mode=latency) go in SKILL_SETTLE_OPTS. Needs a built tree (./mvnw -B -ntp -DskipTests install). Workloads: sse-handler, monaco-config, sse-handler-batch-100.
set -e
cd "$(dirname "$0")/.."
java_home=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)
./mvnw -B -ntp -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
exec "$java_home/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dlogback.configurationFile=bench/logback-bench.xml \
  -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=distribution/target/switchboard/lib/jit $SKILL_SETTLE_OPTS \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.switchboard.bench.SkillSettle \
  skills "${1:-sse-handler}" "${2:-240}" "${3:-2}"
