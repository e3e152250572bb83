# syntax=docker/dockerfile:1.7
# Build: docker build -t embedding-gateway .
# Run:   docker run -p 8080:8080 -p 127.0.0.1:8081:8081 -e SILICONFLOW_API_KEY=... -v ./gateway.yml:/config/application.yml embedding-gateway

FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src src
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests -Dspring-javaformat.skip=true package \
 && java -Djarmode=tools -jar target/embedding-gateway-*.jar extract --layers --application-filename embedding-gateway.jar --destination /layers

# The onnxruntime jar carries native libraries for every platform (54 MB at 1.29.0): keep
# only the image's own, and 137 MB of jars become 94 MB. (Tokenizing is pure Java: no other
# jar carries native code of its own but Netty's small transport libraries.)
FROM build AS natives
ARG TARGETARCH=amd64
RUN apt-get update && apt-get install -y --no-install-recommends zip && rm -rf /var/lib/apt/lists/* \
 && cd /layers/dependencies/lib \
 && if [ "$TARGETARCH" = "arm64" ]; then other_ort=linux-x64; else other_ort=linux-aarch64; fi \
 && zip -q -d onnxruntime-*.jar "ai/onnxruntime/native/osx-*" "ai/onnxruntime/native/win-*" "ai/onnxruntime/native/${other_ort}/*"

FROM eclipse-temurin:17-jre
# A numeric user: Kubernetes' runAsNonRoot can only verify a number, not a name.
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home gateway
WORKDIR /app
# Least-changing layers first, so a code change rebuilds only the last one.
COPY --from=natives /layers/dependencies/ ./
COPY --from=natives /layers/snapshot-dependencies/ ./
COPY --from=natives /layers/application/ ./
# ONNX Runtime unpacks its native libraries at start into java.io.tmpdir, /tmp: the root
# filesystem can be read-only (the Helm chart and docker-compose.yml make it so) as long
# as /tmp is mounted writable. Nothing else is written.
#
# Memory, for a container limit L (the Helm chart's default is 1 GiB):
#   heap                                   50% of L  -XX:MaxRAMPercentage=50      512 MiB
#   answers being written (direct)       <= 25% of L  admitted by max-in-flight-    256 MiB
#                                                     memory, half the heap
#   metaspace, code cache, GC, threads,   fixed       measured 105 MiB, allow      150 MiB
#   symbols, Netty's pools
#   ONNX Runtime and the two in-process   only with   measured 110 MiB, allow      150 MiB
#   models (native memory)                gateway.local.enabled
# = 918 MiB at L = 1 GiB without the in-process models; with them 1068 MiB, so give a
# gateway that serves them 1.5 GiB. 75% of L for the heap, as before, left 256 MiB for
# everything else, less than the answers being written may take alone. (Measured with
# -XX:NativeMemoryTracking=summary on the dev profile after 640 texts: 280 MiB committed
# by the JVM, heap 156 MiB of it, and a resident set of 393 MiB.)
# The JVM exits on an OutOfMemoryError, so that Kubernetes restarts it, rather than
# limping on. No HEALTHCHECK: Kubernetes probes /livez and /readyz on port 8080.
ENV SPRING_CONFIG_ADDITIONAL_LOCATION=optional:file:/config/ \
    JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
# Class data sharing: a training run starts the application once, up to a refreshed context
# (no port is opened, no upstream called), and archives the classes it loaded, parsed and
# verified; every start then maps them instead of loading them from the jars again. On 2
# cores that takes start-up from about 9 s to about 6.5 s (bench/COLDSTART.md). The archive
# belongs to this JDK and these jars: a start that cannot use it (another JDK, other GC
# options) logs a warning and loads classes as usual.
# The application's archive extends the JDK's own (lib/server/classes.jsa), made here if the
# base image came without it.
RUN test -f "$JAVA_HOME/lib/server/classes.jsa" || java -Xshare:dump
RUN java -XX:ArchiveClassesAtExit=embedding-gateway.jsa -Dspring.context.exit=onRefresh -jar embedding-gateway.jar \
 && rm -rf /tmp/hsperfdata_root
USER 10001:10001
# 8080: the API, /livez and /readyz. 8081: /actuator (health, info, prometheus), which
# names tenants and their traffic: publish it only where the metrics are scraped.
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:SharedArchiveFile=embedding-gateway.jsa", "-jar", "embedding-gateway.jar"]
