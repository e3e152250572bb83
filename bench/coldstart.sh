#!/usr/bin/env bash
# Cold start: starts the gateway, waits for /readyz, then loads it at once with single-input
# requests and records its throughput in consecutive 5 s windows, for each start-up variant.
# Writes bench/COLDSTART.md. How to run it and read it: bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
cd "$REPO_DIR"

COMMAND=""
for knob in VARIANTS WINDOWS WINDOW CONNECTIONS JVM_OPTIONS ARGS JAVA25_HOME PORT_BASE SKIP_BUILD; do
	if [[ -n "${!knob:-}" ]]; then
		COMMAND+="$knob='${!knob}' "
	fi
done
COMMAND+="bench/coldstart.sh"

WINDOWS=${WINDOWS:-18}         # 18 windows of 5 s: 90 s of load
WINDOW=${WINDOW:-5}
CONNECTIONS=${CONNECTIONS:-32}
PORT_BASE=${PORT_BASE:-9300}
JAVA17=${JAVA17:-java}
JAVA25_HOME=${JAVA25_HOME:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1 || true)}
ALL_VARIANTS="17-cold 17-warmup 17-cds-warmup 25-cold 25-warmup 25-aot-warmup"
VARIANTS=${VARIANTS:-$ALL_VARIANTS}
for variant in $VARIANTS; do
	if [[ " $ALL_VARIANTS " != *" $variant "* ]]; then
		echo "VARIANTS takes some of: $ALL_VARIANTS (not '$variant')" >&2
		exit 2
	fi
	if [[ "$variant" == 25-* && ! -x "$JAVA25_HOME/bin/java" ]]; then
		echo "variant $variant needs a Java 25 JDK: set JAVA25_HOME" >&2
		exit 2
	fi
done

MOCK_PORT=$PORT_BASE
GATEWAY_PORT=$((PORT_BASE + 1))
MANAGEMENT_PORT=$((PORT_BASE + 2))
KEY=eg-bench-tenant-key
DIGEST=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]} > 0)); then
	echo "== installing ${missing[*]}" >&2
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	echo "== building the gateway and the benchmark" >&2
	./mvnw -B -q -DskipTests package
	./mvnw -B -q -f bench/pom.xml package
fi
GATEWAY_JAR=$(ls target/embedding-gateway-*.jar | head -1)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/embedding-coldstart.XXXXXX")
STARTED=()
cleanup() {
	local status=$?
	for pid in "${STARTED[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if ((status == 0)); then
		rm -rf "$WORK"
	else
		echo "failed; logs are in $WORK" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The layout the image runs: the jar extracted, the application's jar naming its libraries.
java -Djarmode=tools -jar "$GATEWAY_JAR" extract --destination "$WORK/app" >/dev/null
APP_JAR=$WORK/app/$(basename "$GATEWAY_JAR")

cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"model":"BAAI/bge-m3","input":"The quick brown fox jumps over the lazy dog"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
EOF

echo "== starting the mock upstream and warming it for 20 s" >&2
java -XX:+UseParallelGC -cp bench/target/bench.jar com.embeddinggateway.bench.MockUpstream \
	--port "$MOCK_PORT" --latency-ms 0 >"$WORK/mock.log" 2>&1 &
STARTED+=($!)
for _ in $(seq 1 100); do
	curl -fsS -o /dev/null -d '{"model":"BAAI/bge-m3","input":"x"}' "http://127.0.0.1:$MOCK_PORT/v1/embeddings" 2>/dev/null && break
	sleep 0.2
done
wrk -t1 -c"$CONNECTIONS" -d20s -s "$WORK/post.lua" "http://127.0.0.1:$MOCK_PORT/v1/embeddings" >/dev/null

GATEWAY_ARGS=(--server.address=127.0.0.1 "--server.port=$GATEWAY_PORT"
	--management.server.address=127.0.0.1 "--management.server.port=$MANAGEMENT_PORT"
	'--gateway.upstreams[0].id=siliconflow' "--gateway.upstreams[0].base-url=http://127.0.0.1:$MOCK_PORT/v1"
	'--gateway.upstreams[0].api-key=bench-upstream-key'
	'--gateway.tenants[0].id=bench' "--gateway.tenants[0].api-key-sha256[0]=$DIGEST"
	# wrk sends one text again and again: with the cache on, every request after the first
	# would be a hit and the upstream path would never be measured.
	--gateway.cache.enabled=false)
# Extra gateway arguments and JVM options for every variant, to try a setting: for example
# ARGS='--gateway.warmup.concurrency=32' or JVM_OPTIONS='-XX:CICompilerCount=4'.
read -r -a EXTRA_ARGS <<<"${ARGS:-}"
GATEWAY_ARGS+=("${EXTRA_ARGS[@]}")
HEAP=(-Xmx512m -XX:+UseParallelGC)
read -r -a EXTRA_OPTIONS <<<"${JVM_OPTIONS:-}"
HEAP+=("${EXTRA_OPTIONS[@]}")

# On Java 24 and later Netty runs at about half speed unless it may use sun.misc.Unsafe's
# memory access and native access.
JAVA25=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)

millis() { date +%s%3N; }

# Starts the gateway with java and options, and returns when it has stopped.
train() { # java, options...: a training run that starts, warms up, becomes ready and stops
	local java=$1
	shift
	"$java" "${HEAP[@]}" "$@" -jar "$APP_JAR" "${GATEWAY_ARGS[@]}" >"$WORK/train.log" 2>&1 &
	local pid=$!
	for _ in $(seq 1 1200); do
		curl -fsS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/readyz" 2>/dev/null && break
		sleep 0.1
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

ROWS=$WORK/rows.md
: >"$ROWS"

measure() { # variant, java, warmup true|false, options...
	local variant=$1 java=$2 warmup=$3
	shift 3
	echo "== $variant" >&2
	local start
	start=$(millis)
	"$java" "${HEAP[@]}" "$@" -jar "$APP_JAR" "${GATEWAY_ARGS[@]}" "--gateway.warmup.enabled=$warmup" \
		>"$WORK/$variant.log" 2>&1 &
	local pid=$!
	STARTED+=("$pid")
	until curl -fsS -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/readyz" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || (($(millis) - start > 120000)); then
			echo "$variant did not become ready; its log:" >&2
			tail -n 30 "$WORK/$variant.log" >&2
			exit 1
		fi
		sleep 0.05
	done
	local ready=$(($(millis) - start))
	local rates=() errors=0
	for _ in $(seq 1 "$WINDOWS"); do
		local out
		out=$(wrk -t1 -c"$CONNECTIONS" -d"${WINDOW}s" -s "$WORK/post.lua" "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings")
		rates+=("$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")")
		errors=$((errors + $(awk '/Non-2xx/ {print $5} END {print 0}' <<<"$out" | head -1)))
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	local steady first
	steady=$(printf '%s\n' "${rates[@]}" | tail -n 3 | awk '{ sum += $1 } END { printf "%.0f", sum / NR }')
	first=${rates[0]}
	local warm_log
	warm_log=$(grep -o 'Warm-up: [^"]*' "$WORK/$variant.log" | head -1 || true)
	echo "| $variant | $(awk -v r="$ready" 'BEGIN { printf "%.1f", r / 1000 }') | $first | $steady | $(awk -v f="$first" -v s="$steady" 'BEGIN { printf "%.2f", (s > 0) ? f / s : 0 }') | $errors | ${rates[*]} | ${warm_log:-–} |" |
		tee -a "$ROWS" >&2
}

for variant in $VARIANTS; do
	case $variant in
	17-cold) measure "$variant" "$JAVA17" false ;;
	17-warmup) measure "$variant" "$JAVA17" true ;;
	17-cds-warmup)
		# Class data sharing, trained as the Dockerfile trains it: the classes loaded up to a
		# refreshed context, before any port opens.
		(cd "$WORK/app" && "$JAVA17" "${HEAP[@]}" "-XX:ArchiveClassesAtExit=$WORK/app.jsa" \
			-Dspring.context.exit=onRefresh -jar "$APP_JAR" >"$WORK/train.log" 2>&1)
		measure "$variant" "$JAVA17" true "-XX:SharedArchiveFile=$WORK/app.jsa"
		;;
	25-cold) measure "$variant" "$JAVA25_HOME/bin/java" false "${JAVA25[@]}" ;;
	25-warmup) measure "$variant" "$JAVA25_HOME/bin/java" true "${JAVA25[@]}" ;;
	25-aot-warmup)
		# Java 25's ahead-of-time cache (JEP 483, 514, 515): classes loaded and linked, and
		# method profiles, recorded by a training run that includes the warm-up.
		train "$JAVA25_HOME/bin/java" "${JAVA25[@]}" "-XX:AOTCacheOutput=$WORK/app.aot"
		measure "$variant" "$JAVA25_HOME/bin/java" true "${JAVA25[@]}" "-XX:AOTCache=$WORK/app.aot"
		;;
	esac
done

machine="$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
machine+=" $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB; gateway at $(git rev-parse --short HEAD)"
{
	echo "# Cold start"
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Command: \`$COMMAND\`"
	echo "- Machine: $machine"
	echo "- Gateway: \`${HEAP[*]}\`, started from the extracted jar (as in the image); wrk -t1 -c$CONNECTIONS, single-input requests, $WINDOWS windows of $WINDOW s from the moment \`/readyz\` answered 200."
	echo
	echo "| variant | ready after s | first window req/s | steady req/s (last 3) | first ÷ steady | non-2xx | every window | warm-up |"
	echo "|---|--:|--:|--:|--:|--:|---|---|"
	cat "$ROWS"
	echo
	echo "Targets: first window at least 0.8 x steady; ready within 30 s."
} >"$BENCH_DIR/COLDSTART.md"
echo "== written to bench/COLDSTART.md" >&2
