# syntax=docker/dockerfile:1.7
# One image recipe for every Spring Boot module: docker build -f docker/service.Dockerfile --build-arg MODULE=kv-service .
# Needs BuildKit (the default in Docker 23+ / Compose v2) for the Maven cache mount.

FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds, so the 6 modules download dependencies once.
RUN --mount=type=cache,target=/root/.m2 \
    test -n "$MODULE" && ./mvnw -B -q -pl "$MODULE" -am -DskipTests package \
    && cp "$MODULE"/target/"$MODULE"-*.jar /app.jar \
    && java -Djarmode=tools -jar /app.jar extract --layers --launcher --destination /extracted

FROM eclipse-temurin:17-jre
# curl serves the compose healthcheck; the JRE image has neither curl nor wget.
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 dsys && mkdir /data && chown dsys /data
WORKDIR /app
# Least to most often changed, so a code change rebuilds only the last layer.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
USER dsys
# Durable state (dsys.data-dir) lives in /data, a volume per node in docker-compose.yml.
ENV DSYS_DATA_DIR=/data \
    JAVA_TOOL_OPTIONS="-Xmx192m -Xss512k -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
