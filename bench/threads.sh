#!/usr/bin/env bash
# Where Rosetta's CPU goes at 10,000 points/s, thread by thread (see README, "Benchmark").
#
#   bench/threads.sh [--warmup SECONDS] [--window SECONDS]
#
# Starts Rosetta through its launcher (receiver/target/bin/rosetta; ROSETTA_JAVA_OPTS adds options),
# drives it with the benchmark's client in rate mode (10,000 points/s in requests of 106 points) and
# reads utime and stime of every thread (/proc/PID/task/*/stat) twice: --warmup + 15 s after the start
# (45 s by default, inside the rate case's measured window) and --window seconds later (40). Prints
# the process's share of a core over the window and each thread group's (threads named alike), user
# and system apart. Needs a build (mvn -B -q -DskipTests package).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CP="$ROOT/receiver/target/rosetta.jar:$ROOT/e2e/target/classes"
LAUNCHER="$ROOT/receiver/target/bin/rosetta"
warmup=30
window=40
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warmup) warmup=${2:?--warmup needs seconds}; shift ;;
    --window) window=${2:?--window needs seconds}; shift ;;
    *) echo "usage: bench/threads.sh [--warmup SECONDS] [--window SECONDS]" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$LAUNCHER" && -f "$ROOT/e2e/target/classes/dev/rosetta/e2e/bench/OtlpLoadClient.class" ]] \
  || { echo "threads.sh: build first: mvn -B -q -DskipTests package" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/rosetta-threads.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

read -r http metrics < <(java -cp "$CP" dev.rosetta.e2e.bench.FreePorts 2 | paste -sd' ')
cat >"$dir/rosetta.yaml" <<YAML
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$http
exporters:
  prometheus:
    endpoint: 127.0.0.1:$metrics
YAML
"$LAUNCHER" run --config "$dir/rosetta.yaml" >"$dir/rosetta.log" 2>&1 &
launcher=$!
pids+=("$launcher")
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$metrics/readyz" 2>/dev/null && break
  kill -0 "$launcher" 2>/dev/null || { cat "$dir/rosetta.log" >&2; exit 1; }
  sleep 0.2
done
jvm=$launcher
if [[ "$(cat "/proc/$jvm/comm")" != java ]]; then
  jvm=$(awk '{print $1}' "/proc/$launcher/task/$launcher/children")
fi

java -XX:+UseSerialGC -Xmx512m -cp "$CP" dev.rosetta.e2e.bench.OtlpLoadClient rate --name rosetta \
  --url "http://127.0.0.1:$http/v1/metrics" --pid "$jvm" --rate 10000 --points-per-request 106 --requests 10 \
  --connections 4 --warmup "${warmup}s" --duration "$((window + 20))s" --histogram-bounds 40 \
  --clk-tck "$(getconf CLK_TCK)" --results "$dir/results.tsv" >"$dir/client.log" 2>&1 &
client=$!
pids+=("$client")

# thread id, name, utime, stime (clock ticks) of every thread of the JVM
snapshot() {
  local t
  for t in /proc/"$jvm"/task/*; do
    printf '%s\t%s\t%s\n' "${t##*/}" "$(cat "$t/comm" 2>/dev/null)" \
      "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 "\t" $13}')"
  done
}
process_ticks() { sed 's/.*) //' "/proc/$jvm/stat" | awk '{print $12 + $13}'; }

sleep $((warmup + 15))
snapshot >"$dir/a"
p0=$(process_ticks)
sleep "$window"
snapshot >"$dir/b"
p1=$(process_ticks)

hz=$(getconf CLK_TCK)
echo "Rosetta at 10,000 points/s (requests of 106 points), from $((warmup + 15)) s to $((warmup + 15 + window)) s after the start"
awk -v d=$((p1 - p0)) -v hz="$hz" -v w="$window" \
  'BEGIN {printf "process: %.2f %% of a core (threads that ended in the window included)\n", 100 * d / hz / w}'
awk -F'\t' -v hz="$hz" -v w="$window" '
  NR == FNR { u[$1] = $3; s[$1] = $4; next }
  { g = $2; sub(/[0-9]+$/, "", g); du[g] += $3 - u[$1]; ds[g] += $4 - s[$1] }
  END {
    for (g in du) if (du[g] + ds[g] > 0)
      printf "  %5.2f %%  %-24s user %5.2f %%  system %5.2f %%\n", 100 * (du[g] + ds[g]) / hz / w, g,
        100 * du[g] / hz / w, 100 * ds[g] / hz / w
  }' "$dir/a" "$dir/b" | sort -nr
wait "$client" || { cat "$dir/client.log" >&2; exit 1; }
echo "the client, over its own window ($((warmup)) s to $((warmup + window + 20)) s):"
grep "points/s over" "$dir/client.log"
