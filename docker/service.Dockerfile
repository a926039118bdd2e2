# One image recipe for every Spring Boot module. The jars are built once, on the host, by Maven
# (./mvnw -DskipTests package); the build context is the module's target/ folder and the image takes only
# its jar, so an edit rebuilds only the images whose jar changed:
#   docker build -f docker/service.Dockerfile --build-arg MODULE=kv-service kv-service/target
# BASE_IMAGE: any image with a Java 17 runtime and curl (the healthcheck's) on the PATH. Temurin by
# default; ./platform compose-test builds a Debian one with debootstrap (docker/README.md).
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BASE_IMAGE} AS layers
ARG MODULE
WORKDIR /layers
COPY ${MODULE}-*.jar app.jar
# Spring Boot's layers (dependencies, spring-boot-loader, snapshot-dependencies, application), each a folder.
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${BASE_IMAGE}
# Temurin's JRE image has no curl; the Debian base has it already (and no apt lists to install from offline).
RUN if ! command -v curl >/dev/null; then \
        apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --system --uid 10001 dsys && mkdir /data && chown dsys /data
WORKDIR /app
# Least to most often changed: a code change in the module replaces only the last layer, an edit in
# platform-core (a snapshot dependency) the last two.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
USER dsys
# Durable state (dsys.data-dir) lives in /data, a volume per node in docker-compose.yml.
# Memory: these caps plus thread stacks and the JVM's own native memory stay below the container's
# mem_limit with headroom (the arithmetic is in docker/README.md, "Memory"). A service that needs more
# heap adds -Xmx in JDK_JAVA_OPTIONS, which the java launcher reads after JAVA_TOOL_OPTIONS.
# MALLOC_ARENA_MAX=2: glibc's default of 8 arenas per core costs ~10 MiB of RSS per JVM for nothing here.
ENV DSYS_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-Xmx160m -Xms64m -Xss512k -XX:MaxMetaspaceSize=112m -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
