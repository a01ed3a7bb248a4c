#!/usr/bin/env bash
# Rosetta's benchmark, side by side with vmagent and VictoriaMetrics (see README, "Benchmark").
#
#   bench/run.sh [--quick] [--only rosetta|vmagent|victoriametrics] [--rounds N] [--cases LIST]
#                [--no-build] [--jfr]
#
# Builds Rosetta, starts each receiver in turn as a process of its own on loopback and runs the same
# out-of-process OTLP/HTTP client (dev.rosetta.e2e.bench.OtlpLoadClient) against it:
#   throughput  full load: 1,060 Go runtime points per request, 100 distinct requests (106,000 series),
#               4 connections; points/s, points per receiver CPU-second, peak RSS; --rounds rounds
#   rate        10,000 points/s in requests of 106 points: % of a core and RSS
#   scrape      Rosetta's /metrics with 106,000 series (histograms included): idle (the first scrapes,
#               then after a warm-up of scrapes, then gzip as Prometheus asks) and under full ingest
#   queue       Rosetta forwarding to a local sink with a memory queue against a file_storage queue
# vmagent and VictoriaMetrics come from Debian trixie's victoria-metrics package, unpacked into
# bench/.peers (nothing of trixie is installed). Logs and results go to bench/.out/<time>/.
# bench/threads.sh breaks the rate case's CPU down by thread.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
PEERS="$BENCH/.peers"

quick=false
only=""
rounds=2
cases="throughput,rate,scrape,queue"
build=true
jfr=false
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --quick) quick=true ;;
    --only) only=${2:?--only needs rosetta, vmagent or victoriametrics}; shift ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --cases) cases=${2:?--cases needs a list such as throughput,rate}; shift ;;
    --no-build) build=false ;;
    --jfr) jfr=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$only" in ""|rosetta|vmagent|victoriametrics) ;; *) echo "run.sh: --only takes rosetta, vmagent or victoriametrics" >&2; exit 2 ;; esac

if $quick; then
  tp_warmup=3s; tp_duration=8s; rate_warmup=5s; rate_duration=10s; scrapes=5; scrape_warmup=2s
else
  tp_warmup=10s; tp_duration=30s; rate_warmup=30s; rate_duration=60s; scrapes=20; scrape_warmup=5s
fi
# Each may be set in the environment to override the above.
tp_warmup=${BENCH_WARMUP:-$tp_warmup}; tp_duration=${BENCH_DURATION:-$tp_duration}
rate_warmup=${BENCH_RATE_WARMUP:-$rate_warmup}; rate_duration=${BENCH_RATE_DURATION:-$rate_duration}
scrapes=${BENCH_SCRAPES:-$scrapes}
# explicit bounds of each of the 8 histograms among a Go process's 106 metrics
histogram_bounds=${BENCH_HISTOGRAM_BOUNDS:-40}

receivers=()
for r in rosetta vmagent victoriametrics; do
  [[ -z "$only" || "$only" == "$r" ]] && receivers+=("$r")
done
has_case() { [[ ",$cases," == *",$1,"* ]]; }
wants() { [[ -z "$only" || "$only" == "$1" ]]; }

OUT="$BENCH/.out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
: >"$RESULTS"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/rosetta-bench.XXXXXX")
started=()
cleanup() {
  for pid in "${started[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# --- build ----------------------------------------------------------------------------------------
cd "$ROOT"
if $build; then
  say "building Rosetta (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
JAR="$ROOT/receiver/target/rosetta.jar"
[[ -f "$JAR" ]] || die "$JAR is missing: build first (mvn -B -q -DskipTests package)"
[[ -d "$ROOT/e2e/target/classes/dev/rosetta/e2e/bench" ]] || die "e2e/target/classes has no benchmark client: build first"
CP="$JAR:$ROOT/e2e/target/classes"
CLK_TCK=$(getconf CLK_TCK)
command -v curl >/dev/null || die "curl is needed to wait for the receivers (apt-get install curl)"

# --- peers from Debian trixie, unpacked, never installed ------------------------------------------
fetch_peers() {
  if [[ -x "$PEERS/usr/bin/vmagent" && -x "$PEERS/usr/bin/victoria-metrics" ]]; then
    return
  fi
  if ! apt-cache madison victoria-metrics 2>/dev/null | grep -q trixie; then
    [[ $(id -u) -eq 0 ]] || die "Debian trixie is not an apt source here; as root, run.sh adds it (pinned at 50)"
    if ! grep -rqs 'trixie' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      say "adding Debian trixie as an apt source (/etc/apt/sources.list.d/trixie.sources)"
      cat >/etc/apt/sources.list.d/trixie.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    fi
    if ! grep -rqs 'n=trixie' /etc/apt/preferences /etc/apt/preferences.d/; then
      # a low priority: nothing from trixie is ever chosen for an install or an upgrade
      printf 'Package: *\nPin: release n=trixie\nPin-Priority: 50\n' >/etc/apt/preferences.d/trixie
    fi
    apt-get update -q >/dev/null
  fi
  local dl
  dl=$(mktemp -d "${TMPDIR:-/tmp}/rosetta-bench-deb.XXXXXX")
  chmod 0777 "$dl" # apt-get download runs as _apt where it can
  say "downloading victoria-metrics from trixie (apt-get download victoria-metrics/trixie)"
  (cd "$dl" && apt-get download -q victoria-metrics/trixie >/dev/null 2>&1) \
    || { rm -rf "$dl"; die "apt-get download victoria-metrics/trixie failed"; }
  rm -rf "$PEERS"
  mkdir -p "$PEERS"
  dpkg-deb -x "$dl"/victoria-metrics_*.deb "$PEERS"
  basename "$dl"/victoria-metrics_*.deb >"$PEERS/PACKAGE"
  rm -rf "$dl"
}
if wants vmagent || wants victoriametrics; then
  if has_case throughput || has_case rate; then
    fetch_peers
    say "peers: $(cat "$PEERS/PACKAGE" 2>/dev/null || echo "bench/.peers")"
  fi
fi

# --- processes ------------------------------------------------------------------------------------
ports() { java -cp "$CP" dev.rosetta.e2e.bench.FreePorts "$1"; }

# The JVM's process id: the launcher may exec java (same id) or run it as a child.
jvm_pid() {
  local pid=$1 child
  for _ in 1 2 3; do
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == java ]] && break
    child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{print $1}')
    [[ -n "$child" ]] || break
    pid=$child
  done
  echo "$pid"
}

wait_http() { # url pid what
  local i
  for i in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited while starting; see its log in $OUT"
    sleep 0.2
  done
  die "$3 did not answer $1 within 60 s; see its log in $OUT"
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${started[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  started=("${kept[@]}")
}

# The image's JVM options (docker/Dockerfile, ENV JAVA_TOOL_OPTIONS) for a plain java -jar start,
# with the memory a container would have: the image sizes the heap from the container's limit
# (MaxRAMPercentage), so outside one -XX:MaxRAM stands for the chart's default limit (512Mi) unless
# BENCH_MAX_RAM says otherwise (BENCH_MAX_RAM=none: the machine's memory).
BENCH_MAX_RAM=${BENCH_MAX_RAM:-512m}
image_opts() {
  local opts
  opts=$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' "$ROOT/docker/Dockerfile" | head -1)
  [[ "$BENCH_MAX_RAM" == none ]] || opts="-XX:MaxRAM=$BENCH_MAX_RAM $opts"
  printf '%s\n' "$opts"
}

LAUNCHER=""
for l in "$ROOT/receiver/target/bin/rosetta" "$ROOT/receiver/target/rosetta"; do
  if [[ -x "$l" ]]; then LAUNCHER=$l; break; fi
done
if [[ -n "$LAUNCHER" ]]; then
  say "Rosetta starts through its launcher ${LAUNCHER#"$ROOT"/} with its default JVM options${ROSETTA_JAVA_OPTS:+ and ROSETTA_JAVA_OPTS=$ROSETTA_JAVA_OPTS}"
else
  say "Rosetta starts as java $(image_opts)${ROSETTA_JAVA_OPTS:+ $ROSETTA_JAVA_OPTS} -jar receiver/target/rosetta.jar (the image's options, -XX:MaxRAM for a container's limit; no launcher in this build)"
fi

# start_rosetta NAME CONFIG [extra JVM options]: sets PID and RPID (the JVM)
start_rosetta() {
  local name=$1 config=$2 extra=${3:-}
  if [[ -n "$LAUNCHER" ]]; then
    ROSETTA_JAVA_OPTS="${ROSETTA_JAVA_OPTS:-}${extra:+ $extra}" "$LAUNCHER" run --config "$config" \
      >"$OUT/$name.log" 2>&1 &
  else
    # shellcheck disable=SC2046 # the options are words
    java $(image_opts) ${ROSETTA_JAVA_OPTS:-} $extra -jar "$JAR" run --config "$config" >"$OUT/$name.log" 2>&1 &
  fi
  PID=$!
  started+=("$PID")
}

rosetta_config() { # file http_port metrics_port [extra yaml]
  cat >"$1" <<EOF
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$2
exporters:
  prometheus:
    endpoint: 127.0.0.1:$3
${4:-}
EOF
}

# start NAME: starts a receiver for one run; sets PID (to stop), RPID (to measure), URL
start_receiver() {
  local name=$1 p1 p2
  read -r p1 p2 < <(ports 2 | paste -sd' ')
  case "$name" in
    rosetta)
      rosetta_config "$DATA/rosetta.yaml" "$p1" "$p2"
      start_rosetta "rosetta-$RUN" "$DATA/rosetta.yaml" "${JFR_OPTS:-}"
      wait_http "http://127.0.0.1:$p2/readyz" "$PID" rosetta
      URL="http://127.0.0.1:$p1/v1/metrics"
      METRICS_URL="http://127.0.0.1:$p2/metrics"
      ;;
    vmagent)
      rm -rf "$DATA/vmagent" && mkdir -p "$DATA/vmagent"
      "$PEERS/usr/bin/vmagent" -httpListenAddr="127.0.0.1:$p1" \
        -remoteWrite.url="http://127.0.0.1:$SINK_HTTP/api/v1/write" \
        -remoteWrite.tmpDataPath="$DATA/vmagent" -loggerLevel=WARN >"$OUT/vmagent-$RUN.log" 2>&1 &
      PID=$!
      started+=("$PID")
      wait_http "http://127.0.0.1:$p1/health" "$PID" vmagent
      URL="http://127.0.0.1:$p1/opentelemetry/v1/metrics"
      ;;
    victoriametrics)
      rm -rf "$DATA/vm" && mkdir -p "$DATA/vm"
      "$PEERS/usr/bin/victoria-metrics" -httpListenAddr="127.0.0.1:$p1" -storageDataPath="$DATA/vm" \
        -retentionPeriod=1d -loggerLevel=WARN >"$OUT/victoriametrics-$RUN.log" 2>&1 &
      PID=$!
      started+=("$PID")
      wait_http "http://127.0.0.1:$p1/health" "$PID" victoriametrics
      URL="http://127.0.0.1:$p1/opentelemetry/v1/metrics"
      ;;
  esac
  RPID=$(jvm_pid "$PID")
}

client() { # MODE args...
  java -XX:+UseSerialGC -Xmx512m -cp "$CP" dev.rosetta.e2e.bench.OtlpLoadClient "$@" \
    --histogram-bounds "$histogram_bounds" --clk-tck "$CLK_TCK" --results "$RESULTS"
}

SINK_HTTP=""
SINK_GRPC=""
start_sink() {
  if [[ -n "$SINK_HTTP" ]]; then return 0; fi
  java -XX:+UseSerialGC -Xmx256m -cp "$CP" dev.rosetta.e2e.bench.BenchSink "$DATA/sink.ports" >"$OUT/sink.log" 2>&1 &
  SINK_PID=$!
  started+=("$SINK_PID")
  for _ in $(seq 1 150); do
    [[ -s "$DATA/sink.ports" ]] && break
    kill -0 "$SINK_PID" 2>/dev/null || die "the sink exited; see $OUT/sink.log"
    sleep 0.2
  done
  [[ -s "$DATA/sink.ports" ]] || die "the sink did not start"
  SINK_GRPC=$(sed -n 's/.*grpc=\([0-9]*\).*/\1/p' "$DATA/sink.ports")
  SINK_HTTP=$(sed -n 's/.*http=\([0-9]*\).*/\1/p' "$DATA/sink.ports")
}

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d MiB", $2/1024}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "logs and results: ${OUT#"$ROOT"/}"
say "payload: a Go process reports 106 points, 8 of them histograms with $histogram_bounds bounds: $((98 + 8 * (histogram_bounds + 3))) samples where every bucket, sum and count is a series of its own (vmagent, VictoriaMetrics)"
RUN=0

# --- full-load throughput -------------------------------------------------------------------------
if has_case throughput; then
  say ""
  say "== full load: ${tp_warmup} warm-up, then ${tp_duration} measured, ${rounds} round(s) =="
  if wants vmagent; then start_sink; fi
  for round in $(seq 1 "$rounds"); do
    for r in "${receivers[@]}"; do
      RUN=$((RUN + 1))
      JFR_OPTS=""
      if $jfr && [[ "$r" == rosetta && "$round" == 1 ]]; then
        JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/rosetta-throughput.jfr,settings=profile,dumponexit=true"
      fi
      start_receiver "$r"
      client throughput --name "$r" --round "$round" --url "$URL" --pid "$RPID" \
        --points-per-request 1060 --requests 100 --connections 4 --warmup "$tp_warmup" --duration "$tp_duration"
      stop_pid "$PID"
      JFR_OPTS=""
    done
  done
fi

# --- 10,000 points/s ------------------------------------------------------------------------------
if has_case rate; then
  say ""
  say "== 10,000 points/s in requests of 106 points over 1,060 series: ${rate_warmup} warm-up, then ${rate_duration} measured =="
  if wants vmagent; then start_sink; fi
  for r in "${receivers[@]}"; do
    RUN=$((RUN + 1))
    start_receiver "$r"
    client rate --name "$r" --url "$URL" --pid "$RPID" --rate 10000 --points-per-request 106 --requests 10 \
      --connections 4 --warmup "$rate_warmup" --duration "$rate_duration"
    stop_pid "$PID"
  done
fi

# --- /metrics with 100k series --------------------------------------------------------------------
if has_case scrape && wants rosetta; then
  say ""
  say "== Rosetta /metrics with 106,000 series: ${scrapes} scrapes idle, ${scrapes} more after ${scrape_warmup} of scrapes, ${scrapes} with gzip, then ${scrapes} under full ingest =="
  RUN=$((RUN + 1))
  start_receiver rosetta
  client scrape --name rosetta --url "$URL" --metrics-url "$METRICS_URL" --pid "$RPID" \
    --points-per-request 1060 --requests 100 --connections 4 --scrapes "$scrapes" --warmup "$scrape_warmup"
  stop_pid "$PID"
fi

# --- memory queue against the durable queue -------------------------------------------------------
if has_case queue && wants rosetta; then
  say ""
  say "== Rosetta forwarding to a local OTLP/gRPC sink: memory queue against file_storage, full load =="
  start_sink
  read -r qp1 qp2 < <(ports 2 | paste -sd' ')
  mem_yaml="$DATA/queue-memory.yaml"
  file_yaml="$DATA/queue-file.yaml"
  rosetta_config "$mem_yaml" "$qp1" "$qp2" "  otlp:
    endpoint: 127.0.0.1:$SINK_GRPC
    tls: {insecure: true}
    sending_queue: {enabled: true, queue_size: 1000}"
  mkdir -p "$DATA/queue"
  rosetta_config "$file_yaml" "$qp1" "$qp2" "  otlp:
    endpoint: 127.0.0.1:$SINK_GRPC
    tls: {insecure: true}
    sending_queue: {enabled: true, queue_size: 1000, storage: file_storage}
extensions:
  file_storage: {directory: $DATA/queue}
service:
  extensions: [file_storage]"
  if ! why=$(java -jar "$JAR" validate --config "$file_yaml" 2>&1); then
    say "skipped: this build does not take a file_storage sending queue; rosetta validate says:"
    printf '%s\n' "$why" | head -5 | sed 's/^/  /'
  else
    for q in memory file; do
      RUN=$((RUN + 1))
      rm -rf "$DATA/queue" && mkdir -p "$DATA/queue"
      yaml="$DATA/queue-$q.yaml"
      start_rosetta "rosetta-queue-$q" "$yaml"
      wait_http "http://127.0.0.1:$qp2/readyz" "$PID" rosetta
      RPID=$(jvm_pid "$PID")
      client throughput --kind queue --name "rosetta ($q queue)" --url "http://127.0.0.1:$qp1/v1/metrics" \
        --pid "$RPID" --points-per-request 1060 --requests 100 --connections 4 \
        --warmup "$tp_warmup" --duration "$tp_duration"
      stop_pid "$PID"
    done
  fi
fi

# --- report ---------------------------------------------------------------------------------------
java -cp "$CP" dev.rosetta.e2e.bench.BenchReport "$RESULTS"
if $jfr && [[ -f "$OUT/rosetta-throughput.jfr" ]]; then
  say ""
  say "JFR profile of Rosetta under full load (round 1): ${OUT#"$ROOT"/}/rosetta-throughput.jfr"
  java -cp "$CP" dev.rosetta.e2e.bench.JfrTop "$OUT/rosetta-throughput.jfr" 15
fi
say ""
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine moves these figures)"
