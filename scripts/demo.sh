#!/usr/bin/env bash
# The main job: builds svcproxy and runs the iptables demo (a ClusterIP in throw-away network namespaces,
# 300 connections spread over 3 pods). Needs root for the namespaces; deletes everything it made.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
scripts/install-deps.sh
mvn -B -q install -DskipTests
exec java -p samples/target/svcproxy/lib \
    -m dev.svcproxy.samples/dev.svcproxy.samples.demo.ServiceVipDemo "$@"
