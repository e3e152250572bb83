#!/usr/bin/env bash
# Benchmarks the gateway against a bare nginx proxy_pass and against the mock upstream itself,
# interleaved in one session (direct, nginx, gateway, then the next scenario) so that every
# ratio compares runs made under the same conditions. Writes bench/RESULTS.md.
# How to run it and read it: bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
cd "$REPO_DIR"

if (($# > 0)); then
	echo "run.sh takes no arguments; its knobs are environment variables (see bench/README.md)" >&2
	exit 2
fi

# The command as typed, knobs included, for RESULTS.md.
COMMAND=""
for knob in QUICK WARMUP DURATION CONNECTIONS OPEN_CONNECTIONS FANOUT_CONNECTIONS PARALLEL_PARTS SHEDDING SCENARIOS CORPUS_CHUNKS PACED_CONCURRENCY PORT_BASE SKIP_BUILD REPORT; do
	if [[ -n "${!knob:-}" ]]; then
		COMMAND+="$knob='${!knob}' "
	fi
done
COMMAND+="bench/run.sh"

# 60 s of warm-up: at 20 s the gateway's JIT had not reached steady state (DESIGN.md).
if [[ "${QUICK:-0}" == 1 ]]; then
	WARMUP=${WARMUP:-5}
	DURATION=${DURATION:-5}
else
	WARMUP=${WARMUP:-60}
	DURATION=${DURATION:-30}
fi
WARMUP=${WARMUP%s}
DURATION=${DURATION%s}
CONNECTIONS=${CONNECTIONS:-64}            # closed loop: callers sending back to back
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-1024} # open loop: most requests in flight at once
FANOUT_CONNECTIONS=${FANOUT_CONNECTIONS:-1} # 2048-input scenario: one caller, so p50 is latency, not queueing
PORT_BASE=${PORT_BASE:-9100}
for number in WARMUP DURATION CONNECTIONS OPEN_CONNECTIONS FANOUT_CONNECTIONS PORT_BASE; do
	if ! [[ "${!number}" =~ ^[0-9]+$ ]]; then
		echo "$number must be a whole number, not '${!number}'" >&2
		exit 2
	fi
done
# Upstream calls one request may have in flight: the gateway's default unless set, in which
# case the gateway is started with it too.
GATEWAY_FANOUT_ARGS=()
if [[ -n "${PARALLEL_PARTS:-}" ]]; then
	GATEWAY_FANOUT_ARGS=("--gateway.fanout.max-parallel-calls=$PARALLEL_PARTS")
fi
PARALLEL_PARTS=${PARALLEL_PARTS:-16}
# Load shedding is on by default; SHEDDING=false measures the gateway without it.
SHEDDING=${SHEDDING:-true}
ALL_SCENARIOS="1x1024 quota 32x1024 2048x1024@50ms 32x1024-base64 qwen8b-32x4096 local cache"
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
for scenario in $SCENARIOS; do
	if [[ " $ALL_SCENARIOS " != *" $scenario "* ]]; then
		echo "SCENARIOS takes some of: $ALL_SCENARIOS (not '$scenario')" >&2
		exit 2
	fi
done
chosen() { [[ " $SCENARIOS " == *" $1 "* ]]; }
CORPUS_CHUNKS=${CORPUS_CHUNKS:-10000}
# Upstream calls in flight the paced gateways allow per deployment, as an account's limits would.
PACED_CONCURRENCY=${PACED_CONCURRENCY:-4}

MOCK_PORT=$PORT_BASE
SLOW_MOCK_PORT=$((PORT_BASE + 1))
NGINX_PORT=$((PORT_BASE + 2))
SLOW_NGINX_PORT=$((PORT_BASE + 3))
GATEWAY_PORT=$((PORT_BASE + 4))
GATEWAY_MANAGEMENT_PORT=$((PORT_BASE + 5))
REDIS_PORT=$((PORT_BASE + 6))
QUOTA_GATEWAY_PORT=$((PORT_BASE + 7))
QUOTA_GATEWAY_MANAGEMENT_PORT=$((PORT_BASE + 8))
MERGING_PORT=$((PORT_BASE + 9))
MERGING_MANAGEMENT_PORT=$((PORT_BASE + 10))
UNMERGED_PORT=$((PORT_BASE + 11))
UNMERGED_MANAGEMENT_PORT=$((PORT_BASE + 12))
BENCH_KEY=eg-bench-tenant-key
# A second tenant, the only one the cache serves: the other scenarios measure the uncached path.
CACHED_KEY=eg-bench-cached-tenant-key
UPSTREAM_KEY=bench-upstream-key
CLK_TCK=$(getconf CLK_TCK)

# --- tools -------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v redis-server >/dev/null || missing+=(redis-server)
if ((${#missing[@]} > 0)); then
	echo "== installing ${missing[*]}" >&2
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for port in "$MOCK_PORT" "$SLOW_MOCK_PORT" "$NGINX_PORT" "$SLOW_NGINX_PORT" "$GATEWAY_PORT" "$GATEWAY_MANAGEMENT_PORT" \
	"$REDIS_PORT" "$QUOTA_GATEWAY_PORT" "$QUOTA_GATEWAY_MANAGEMENT_PORT" \
	"$MERGING_PORT" "$MERGING_MANAGEMENT_PORT" "$UNMERGED_PORT" "$UNMERGED_MANAGEMENT_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "port $port is already in use; choose other ports with PORT_BASE (13 ports from it)" >&2
		exit 1
	fi
done

JVM=(-XX:+UseParallelGC)
java_version=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if ((${java_version%%.*} >= 24)); then
	# Without these, Netty falls back to slow paths on Java 24+ and runs at half speed.
	JVM+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

# --- build -------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	echo "== building the gateway and the benchmark" >&2
	./mvnw -B -q -DskipTests package
	./mvnw -B -q -f bench/pom.xml package
fi
GATEWAY_JAR=$(ls target/embedding-gateway-*.jar | head -1)
BENCH_JAR=bench/target/bench.jar

# --- processes, and their cleanup --------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/embedding-bench.XXXXXX")
STARTED=()
stop() {
	kill "$1" 2>/dev/null || return 0
	for _ in $(seq 1 400); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
	local status=$?
	for pid in "${STARTED[@]}"; do
		stop "$pid"
	done
	if ((status == 0)); then
		rm -rf "$WORK"
	else
		echo "failed; logs are in $WORK" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name, command...: runs it in the background, logging to $WORK/name.log
	local name=$1
	shift
	"$@" >"$WORK/$name.log" 2>&1 &
	STARTED+=($!)
}

# Waits (at most 60 s) until url answers a 2-input request with 200.
await() { # name, pid, url
	local deadline=$((SECONDS + 60))
	until curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
		-d '{"model":"BAAI/bge-m3","input":["warm","up"]}' "$3" 2>/dev/null; do
		if ! kill -0 "$2" 2>/dev/null || ((SECONDS >= deadline)); then
			echo "$1 does not answer at $3; its log:" >&2
			tail -n 30 "$WORK/$1.log" >&2 || true
			exit 1
		fi
		sleep 0.5
	done
}

echo "== starting the mocks, nginx and the gateway (logs in $WORK)" >&2
start mock java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.MockUpstream \
	--port "$MOCK_PORT" --latency-ms 0
MOCK_PID=$!
start slow-mock java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.MockUpstream \
	--port "$SLOW_MOCK_PORT" --latency-ms 50
SLOW_MOCK_PID=$!

mkdir -p "$WORK/nginx"
nginx_user=""
if ((EUID == 0)); then
	# Workers would otherwise run as nobody, who cannot enter the private temp directory.
	nginx_user="user root;"
fi
cat >"$WORK/nginx/nginx.conf" <<EOF
# The reference point: a reverse proxy doing no work beyond proxy_pass.
$nginx_user
worker_processes auto;
worker_rlimit_nofile 16384;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events {
	worker_connections 8192;
}
http {
	access_log off;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	# The gateway's own body limit; bodies stay in memory.
	client_max_body_size 16m;
	client_body_buffer_size 1m;
	# Answers stream through without touching disk. With the default 4k buffer a 400 kB
	# answer costs nginx a hundred reads and writes, and buffering (the default) spills it
	# to temp files: either would make the reference slower than a proxy needs to be.
	proxy_buffering off;
	proxy_buffer_size 64k;
	proxy_buffers 4 64k;
	# Keep connections open as the load generator and the gateway do (nginx closes after 1000).
	keepalive_requests 1000000;
	keepalive_timeout 120s;
	upstream mock {
		server 127.0.0.1:$MOCK_PORT;
		keepalive 512;
		keepalive_requests 1000000;
	}
	upstream slow_mock {
		server 127.0.0.1:$SLOW_MOCK_PORT;
		keepalive 512;
		keepalive_requests 1000000;
	}
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location / {
			proxy_pass http://mock;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
	server {
		listen 127.0.0.1:$SLOW_NGINX_PORT;
		location / {
			proxy_pass http://slow_mock;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
		}
	}
}
EOF
"$NGINX" -t -q -e "$WORK/nginx/error.log" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf"
start nginx "$NGINX" -e "$WORK/nginx/error.log" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf"
NGINX_PID=$!

# The gateway as deployed: default settings, tenant authentication on. The 50 ms mock is a
# second upstream serving Pro/BAAI/bge-m3, so one gateway process runs every scenario.
digest=$(printf %s "$BENCH_KEY" | sha256sum | cut -d' ' -f1)
cached_digest=$(printf %s "$CACHED_KEY" | sha256sum | cut -d' ' -f1)
GATEWAY_ARGS=(
	'--gateway.upstreams[0].id=siliconflow' \
	"--gateway.upstreams[0].base-url=http://127.0.0.1:$MOCK_PORT/v1" \
	"--gateway.upstreams[0].api-key=$UPSTREAM_KEY" \
	'--gateway.upstreams[1].id=slow' \
	"--gateway.upstreams[1].base-url=http://127.0.0.1:$SLOW_MOCK_PORT/v1" \
	"--gateway.upstreams[1].api-key=$UPSTREAM_KEY" \
	'--gateway.models[0].name=Pro/BAAI/bge-m3' \
	'--gateway.models[0].upstream=slow' \
	'--gateway.tenants[0].id=bench' \
	"--gateway.tenants[0].api-key-sha256[0]=$digest" \
	'--gateway.tenants[1].id=bench-cached' \
	"--gateway.tenants[1].api-key-sha256[0]=$cached_digest" \
	'--gateway.cache.excluded-tenants[0]=bench' \
	--gateway.local.enabled=true \
	"--gateway.shedding.enabled=$SHEDDING" \
	"${GATEWAY_FANOUT_ARGS[@]}")
start gateway java "${JVM[@]}" -Xmx256m -jar "$GATEWAY_JAR" \
	--server.address=127.0.0.1 --server.port="$GATEWAY_PORT" \
	--management.server.address=127.0.0.1 --management.server.port="$GATEWAY_MANAGEMENT_PORT" "${GATEWAY_ARGS[@]}"
GATEWAY_PID=$!
# The same gateway once more, its tenant with all four limits held in Redis: set far above
# what the machine can send, so every request runs the full check and none is refused.
start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
REDIS_PID=$!
start gateway-quota java "${JVM[@]}" -Xmx256m -jar "$GATEWAY_JAR" \
	--server.address=127.0.0.1 --server.port="$QUOTA_GATEWAY_PORT" \
	--management.server.address=127.0.0.1 --management.server.port="$QUOTA_GATEWAY_MANAGEMENT_PORT" \
	"${GATEWAY_ARGS[@]}" --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$REDIS_PORT" \
	'--gateway.tenants[0].limits.requests-per-minute=1000000000' \
	'--gateway.tenants[0].limits.tokens-per-minute=1000000000000' \
	'--gateway.tenants[0].limits.tokens-per-day=1000000000000000' \
	'--gateway.tenants[0].limits.tokens-per-month=1000000000000000'
QUOTA_GATEWAY_PID=$!

# Two more gateways whose only upstream is the 50 ms mock, allowed PACED_CONCURRENCY calls in
# flight: one merges the calls that wait for a slot (the default), one sends each on its own.
# The cache is off in both, so every request needs the upstream.
for variant in merging:$MERGING_PORT:$MERGING_MANAGEMENT_PORT:true unmerged:$UNMERGED_PORT:$UNMERGED_MANAGEMENT_PORT:false; do
	IFS=: read -r name port management merge <<<"$variant"
	start "gateway-$name" java "${JVM[@]}" -Xmx256m -jar "$GATEWAY_JAR" \
		--server.address=127.0.0.1 --server.port="$port" \
		--management.server.address=127.0.0.1 --management.server.port="$management" \
		'--gateway.upstreams[0].id=siliconflow' \
		"--gateway.upstreams[0].base-url=http://127.0.0.1:$SLOW_MOCK_PORT/v1" \
		"--gateway.upstreams[0].api-key=$UPSTREAM_KEY" \
		'--gateway.tenants[0].id=bench' \
		"--gateway.tenants[0].api-key-sha256[0]=$digest" \
		--gateway.cache.enabled=false \
		"--gateway.resilience.pacing.max-concurrency=$PACED_CONCURRENCY" \
		"--gateway.resilience.pacing.min-concurrency=1" \
		"--gateway.resilience.pacing.merge-waiting-calls=$merge"
	declare "${name^^}_PID=$!"
done

await mock "$MOCK_PID" "http://127.0.0.1:$MOCK_PORT/v1/embeddings"
await slow-mock "$SLOW_MOCK_PID" "http://127.0.0.1:$SLOW_MOCK_PORT/v1/embeddings"
await nginx "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/v1/embeddings"
await nginx "$NGINX_PID" "http://127.0.0.1:$SLOW_NGINX_PORT/v1/embeddings"
await gateway "$GATEWAY_PID" "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings"
await gateway-quota "$QUOTA_GATEWAY_PID" "http://127.0.0.1:$QUOTA_GATEWAY_PORT/v1/embeddings"
await gateway-merging "$MERGING_PID" "http://127.0.0.1:$MERGING_PORT/v1/embeddings"
await gateway-unmerged "$UNMERGED_PID" "http://127.0.0.1:$UNMERGED_PORT/v1/embeddings"

# --- the runs ----------------------------------------------------------------------------
RESULTS=$WORK/results.jsonl
: >"$RESULTS"

load() { # scenario, target, url, server pid, LoadGen options...
	local scenario=$1 target=$2 url=$3 pid=$4
	shift 4
	echo "== $scenario / $target: $*" >&2
	java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.LoadGen --url "$url" \
		--scenario "$scenario" --target "$target" --warmup "$WARMUP" --duration "$DURATION" \
		--key "${LOAD_KEY:-$BENCH_KEY}" --server-pid "$pid" --clk-tck "$CLK_TCK" "$@" | tee -a "$RESULTS" >&2
}

each_target() { # scenario, fast|slow, LoadGen options...: direct, then nginx, then the gateway
	local scenario=$1 speed=$2
	shift 2
	if [[ "$speed" == slow ]]; then
		load "$scenario" direct "http://127.0.0.1:$SLOW_MOCK_PORT/v1/embeddings" "$SLOW_MOCK_PID" "$@"
		load "$scenario" nginx "http://127.0.0.1:$SLOW_NGINX_PORT/v1/embeddings" "$NGINX_PID" "$@"
	else
		load "$scenario" direct "http://127.0.0.1:$MOCK_PORT/v1/embeddings" "$MOCK_PID" "$@"
		load "$scenario" nginx "http://127.0.0.1:$NGINX_PORT/v1/embeddings" "$NGINX_PID" "$@"
	fi
	load "$scenario" gateway "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings" "$GATEWAY_PID" "$@"
}

half_of_nginx_max() { # scenario: half of nginx's closed-loop throughput, at least 1 req/s
	grep -F "\"scenario\":\"$1\",\"target\":\"nginx\",\"mode\":\"closed\"" "$RESULTS" |
		sed -E 's/.*"throughput":([0-9.]+).*/\1/' |
		awk '{ rate = $1 / 2; if (rate < 1) rate = 1; printf "%.0f\n", rate }'
}

gateway_max_times() { # scenario, factor: the gateway's closed-loop throughput times factor, at least 1 req/s
	grep -F "\"scenario\":\"$1\",\"target\":\"gateway\",\"mode\":\"closed\"" "$RESULTS" |
		sed -E 's/.*"throughput":([0-9.]+).*/\1/' |
		awk -v factor="$2" '{ rate = $1 * factor; if (rate < 1) rate = 1; printf "%.0f\n", rate }'
}

quota_runs() { # the gateway's 1x1024 closed loop without, then with, tenant limits in Redis
	load 1x1024-quota gateway "http://127.0.0.1:$QUOTA_GATEWAY_PORT/v1/embeddings" "$QUOTA_GATEWAY_PID" \
		--mode closed --connections "$CONNECTIONS" --model BAAI/bge-m3 --inputs 1
}

if chosen quota && ! chosen 1x1024; then
	load 1x1024 gateway "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings" "$GATEWAY_PID" \
		--mode closed --connections "$CONNECTIONS" --model BAAI/bge-m3 --inputs 1
	quota_runs
fi
for scenario in 1x1024:1 32x1024:32; do
	name=${scenario%%:*}
	inputs=${scenario##*:}
	chosen "$name" || continue
	each_target "$name" fast --mode closed --connections "$CONNECTIONS" --model BAAI/bge-m3 --inputs "$inputs"
	if [[ "$name" == 1x1024 ]] && chosen quota; then
		quota_runs
	fi
	rate=$(half_of_nginx_max "$name")
	each_target "$name" fast --mode open --rate "$rate" --connections "$OPEN_CONNECTIONS" \
		--model BAAI/bge-m3 --inputs "$inputs"
	# The gateway against its own maximum: at half of it (the latency to keep), then past it
	# at 1.5 x, where it should refuse the excess with fast 503s rather than queue everyone.
	for load in own-half:0.5 overload:1.5; do
		load "$name-${load%%:*}" gateway "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings" "$GATEWAY_PID" \
			--mode open --rate "$(gateway_max_times "$name" "${load##*:}")" --connections "$OPEN_CONNECTIONS" \
			--model BAAI/bge-m3 --inputs "$inputs"
	done
done
# 64 upstream calls of 32 at 50 ms each; Pro/BAAI/bge-m3 is the model the slow upstream serves.
if chosen 2048x1024@50ms; then
	each_target 2048x1024@50ms slow --mode closed --connections "$FANOUT_CONNECTIONS" \
		--model Pro/BAAI/bge-m3 --inputs 2048
fi
if chosen 32x1024-base64; then
	each_target 32x1024-base64 fast --mode closed --connections "$CONNECTIONS" --model BAAI/bge-m3 \
		--inputs 32 --encoding-format base64
fi
if chosen qwen8b-32x4096; then
	each_target qwen8b-32x4096 fast --mode closed --connections "$CONNECTIONS" \
		--model Qwen/Qwen3-Embedding-8B --inputs 32
fi
# The in-process model, gateway only (nothing to proxy): texts/s is req/s x inputs. Two callers
# keep its two workers busy without overflowing its queue.
if chosen local; then
	for inputs in 1 32; do
		load "local-en-${inputs}x384" gateway "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings" "$GATEWAY_PID" \
			--mode closed --connections 2 --model BAAI/bge-small-en-v1.5 --inputs "$inputs"
	done
fi

# --- the cache's scenarios ------------------------------------------------------------------
CACHE_MD=$WORK/cache.md
: >"$CACHE_MD"
if chosen cache; then
	# 32 x 1024, every input a hit (the first request fills the cache): the gateway makes no
	# upstream call, nginx proxies the upstream as usual.
	LOAD_KEY=$CACHED_KEY each_target 32x1024-cached fast --mode closed --connections "$CONNECTIONS" \
		--model BAAI/bge-m3 --inputs 32
	{
		echo
		echo "## Cache"
		echo
		echo "Re-embedding a corpus of distinct chunks: the second pass should spend 0 upstream tokens."
		echo
		echo "| scenario | corpus | first pass | upstream tokens | second pass | upstream tokens | 503s retried |"
		echo "|---|---|---|---|---|---|---|"
	} >"$CACHE_MD"
	echo "== corpus / gateway: $CORPUS_CHUNKS chunks, twice" >&2
	java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.CacheBench --mode corpus \
		--url "http://127.0.0.1:$GATEWAY_PORT/v1/embeddings" \
		--metrics-url "http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT/actuator/prometheus" \
		--key "$CACHED_KEY" --chunks "$CORPUS_CHUNKS" --batch 32 --callers 8 | tee -a "$CACHE_MD" >&2
	{
		echo
		echo "64 callers sending single-input requests back to back to an upstream that answers in 50 ms and"
		echo "is allowed $PACED_CONCURRENCY calls in flight (the cache off): calls that wait for a slot merged, or not."
		echo
		echo "| gateway | callers | req/s | upstream calls/s | p50 ms | p99 ms | 503s retried |"
		echo "|---|---|---|---|---|---|---|"
	} >>"$CACHE_MD"
	for variant in merging:$MERGING_PORT:$MERGING_MANAGEMENT_PORT unmerged:$UNMERGED_PORT:$UNMERGED_MANAGEMENT_PORT; do
		IFS=: read -r name port management <<<"$variant"
		echo "== paced / gateway-$name" >&2
		java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.CacheBench --mode paced --label "$name" \
			--url "http://127.0.0.1:$port/v1/embeddings" \
			--metrics-url "http://127.0.0.1:$management/actuator/prometheus" \
			--key "$BENCH_KEY" --callers 64 --warmup "$WARMUP" --duration "$DURATION" | tee -a "$CACHE_MD" >&2
	done
fi

# --- the report --------------------------------------------------------------------------
gateway_alive=true
kill -0 "$GATEWAY_PID" 2>/dev/null || gateway_alive=false
machine="$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
machine+=" $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB;"
machine+=" $(java -version 2>&1 | head -n 1); $("$NGINX" -v 2>&1); gateway at $(git rev-parse --short HEAD)"
echo >&2
REPORT=${REPORT:-$BENCH_DIR/RESULTS.md}
java "${JVM[@]}" -cp "$BENCH_JAR" com.embeddinggateway.bench.Report --results "$RESULTS" \
	--out "$REPORT" --date "$(date -u '+%Y-%m-%d %H:%M UTC')" --command "$COMMAND" \
	--machine "$machine" --warmup "$WARMUP" --duration "$DURATION" --parallel-parts "$PARALLEL_PARTS" \
	--gateway-alive "$gateway_alive"
cat "$CACHE_MD" >>"$REPORT"
echo "== written to $REPORT" >&2
