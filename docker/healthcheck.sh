#!/bin/bash
# The image's HEALTHCHECK: GET /healthz on the Prometheus exporter's port over loopback; exits 0 on
# HTTP 200, 1 otherwise. It uses bash's /dev/tcp, so the image needs neither curl nor wget (JRE-only
# base images have neither). ROSETTA_HEALTH_PORT names the port when a mounted configuration moves
# exporters.prometheus.endpoint off 9464; that endpoint must accept connections on 127.0.0.1
# (0.0.0.0 does).
set -u
port="${ROSETTA_HEALTH_PORT:-9464}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
IFS= read -r -t 5 status <&3 || { echo "unhealthy: no answer from 127.0.0.1:${port}" >&2; exit 1; }
status="${status%$'\r'}"
case "$status" in
  "HTTP/1."?" 200"*) echo "healthy: ${status}"; exit 0 ;;
  *) echo "unhealthy: ${status}" >&2; exit 1 ;;
esac
