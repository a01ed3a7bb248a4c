#!/usr/bin/env bash
# A Docker API for the container tests on a machine without a Docker engine: podman's API service
# on a unix socket, and a JRE 17 base image built locally (no image registry is reachable here).
#
#   eval "$(bash .ci/podman-setup.sh start)"   # installs, builds or imports the base, starts the
#                                              # service; prints the exports for the tests
#   bash .ci/podman-setup.sh stop              # stops the service it started (by its PID) and
#                                              # removes containers the tests left behind
#
# start prints only `export NAME=value` lines on standard output (progress goes to standard error),
# so that eval takes them: DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE
# and ROSETTA_BASE_IMAGE (the BASE_IMAGE build argument the image test uses). Run as root.
#
# What this machine needs, found by trying: runc (crun fails here), the cgroupfs cgroup manager,
# nofile/nproc limits the sandbox allows (the defaults fail), the file events logger (no journald).
# The base image takes a debootstrap of 1 to 2.5 minutes; its root file system is cached as a tar
# under ROSETTA_CI_CACHE (outside the clone, kept between runs on the same machine) and imported
# into podman's storage only when podman does not have it already.
set -euo pipefail

CACHE="${ROSETTA_CI_CACHE:-/var/cache/rosetta-ci}"
RUN_DIR="${ROSETTA_PODMAN_RUN_DIR:-/run/rosetta-podman}"
SOCKET="$RUN_DIR/podman.sock"
PID_FILE="$RUN_DIR/podman-service.pid"
SERVICE_LOG="$RUN_DIR/podman-service.log"
SUITE=bookworm
BASE_IMAGE="localhost/rosetta-jre17-base:$SUITE"
BASE_TAR="$CACHE/jre17-$SUITE-rootfs.tar"
CONF_DROPIN=/etc/containers/containers.conf.d/50-rosetta-ci.conf

log() { echo "podman-setup: $*" >&2; }
die() { log "$*"; exit 1; }

install_packages() {
  local need=()
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

write_containers_conf() {
  mkdir -p "$(dirname "$CONF_DROPIN")"
  cat >"$CONF_DROPIN" <<'EOF'
# Written by Rosetta's .ci/podman-setup.sh: what podman needs on this sandboxed machine.
[containers]
# The sandbox refuses podman's default limits (nofile 1048576): keep nofile <= 20000, nproc <= 32768.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
# An exec session's conmon stays this long after the command ends (podman's default 300 s would
# leave the tests' exec helpers running for 5 minutes after the run).
exit_command_delay = 5
EOF
}

# The Debian archive that apt uses (the one serving the release itself, not -security or
# -updates), from deb822 .sources files or one-line sources.list entries. ROSETTA_DEBIAN_MIRROR
# overrides it.
debian_mirror() {
  if [ -n "${ROSETTA_DEBIAN_MIRROR:-}" ]; then echo "$ROSETTA_DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; types = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
          if ($i ~ /^Types:/) { types = $i }
        }
        n = split(suites, s, /[ \t]+/)
        for (j = 1; j <= n; j++) {
          if (types ~ /(^|[ \t])deb([ \t]|$)/ && s[j] ~ /^[a-z]+$/ && uris ~ /debian\/?([ \t]|$)/) {
            split(uris, u, /[ \t]+/); print u[1]; exit
          }
        }
      }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk '
      $1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) ~ /^[a-z]+$/ && $i ~ /debian\/?$/) { print $i; exit }
      }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  die "no Debian archive found in /etc/apt/sources.list{,.d}; set ROSETTA_DEBIAN_MIRROR"
}

build_base_tar() {
  local mirror rootfs
  mirror=$(debian_mirror)
  rootfs="$CACHE/rootfs.partial"
  log "building the base image's root file system: debootstrap $SUITE from $mirror (1 to 2.5 minutes, once)"
  mkdir -p "$CACHE"
  rm -rf "$rootfs" "$BASE_TAR.partial"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless "$SUITE" "$rootfs" "$mirror" \
    >"$CACHE/debootstrap.log" 2>&1 || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
  # Package caches and lists are of no use in the image.
  rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -cf "$BASE_TAR.partial" .
  mv "$BASE_TAR.partial" "$BASE_TAR"
  rm -rf "$rootfs"
}

ensure_base_image() {
  if podman image exists "$BASE_IMAGE"; then
    log "base image $BASE_IMAGE present"
    return
  fi
  [ -f "$BASE_TAR" ] || build_base_tar
  log "importing $BASE_TAR as $BASE_IMAGE"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    "$BASE_TAR" "$BASE_IMAGE" >/dev/null
}

# True when the PID file names a live `podman system service` on our socket (a PID file that outlived
# its process, say across a reboot, must not make us signal some other process).
service_running() {
  local pid
  [ -f "$PID_FILE" ] || return 1
  pid=$(cat "$PID_FILE")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "podman system service .*unix://$SOCKET"
}

api_answers() {
  [ -S "$SOCKET" ] || return 1
  # Without curl the socket's presence has to do.
  command -v curl >/dev/null 2>&1 || return 0
  curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

start_service() {
  mkdir -p "$RUN_DIR"
  if service_running && api_answers; then
    log "podman API service already running (pid $(cat "$PID_FILE"))"
    return
  fi
  rm -f "$SOCKET"
  # Standard streams go to a file: the caller reads this script's output through $(...), which
  # would otherwise wait for the service to end.
  podman system service --time=0 "unix://$SOCKET" </dev/null >"$SERVICE_LOG" 2>&1 &
  echo $! >"$PID_FILE"
  local i
  for i in $(seq 1 100); do
    if api_answers; then
      log "podman API service on $SOCKET (pid $(cat "$PID_FILE"))"
      return
    fi
    service_running || { cat "$SERVICE_LOG" >&2; die "podman system service exited"; }
    sleep 0.2
  done
  cat "$SERVICE_LOG" >&2
  die "no answer on $SOCKET after 20 s"
}

start() {
  [ "$(id -u)" -eq 0 ] || die "run as root"
  install_packages
  write_containers_conf
  ensure_base_image
  start_service
  echo "export DOCKER_HOST=unix://$SOCKET"
  echo "export TESTCONTAINERS_RYUK_DISABLED=true"
  echo "export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
  echo "export ROSETTA_BASE_IMAGE=$BASE_IMAGE"
}

stop() {
  if command -v podman >/dev/null 2>&1; then
    # Containers a failed or interrupted test left behind (Testcontainers labels its own).
    local left
    left=$(podman ps -aq --filter label=org.testcontainers=true 2>/dev/null || true)
    if [ -n "$left" ]; then
      log "removing containers left by the tests: $(echo $left)"
      # shellcheck disable=SC2086
      podman rm -f -t 5 $left >/dev/null 2>&1 || true
    fi
  fi
  if service_running; then
    local pid i
    pid=$(cat "$PID_FILE")
    log "stopping the podman API service (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$SOCKET"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 [start|stop]" ;;
esac
