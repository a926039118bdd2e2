# The project's own Kafka broker (launcher jar, KRaft, one node) for where the apache/kafka image cannot be pulled:
# docker-compose.local.yml builds it. The build context is launcher/target, after ./mvnw -DskipTests package.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
RUN useradd --system --uid 10001 dsys && mkdir /data && chown dsys /data
COPY launcher-*.jar /app/launcher.jar
USER dsys
# As ./platform runs it (KAFKA_JVM_OPTS) plus a direct-memory cap: the arithmetic is in docker/README.md, "Memory".
ENV MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Xmx192m -Xms64m -Xss512k -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
# Listens on every address and advertises the name the other containers reach it by; the log lives in /data.
ENTRYPOINT ["java", "-jar", "/app/launcher.jar", "kafka", "--data-dir", "/data", "--bind-address", "0.0.0.0"]
CMD ["--port", "9092", "--advertised-host", "kafka"]
