#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# The main job: builds svcproxy and runs `svcproxy demo` (Service default/nginx-service in throw-away network
# namespaces, 300 HTTP requests spread over 3 pods). Needs root for the namespaces; deletes everything it made.
# Arguments go to the demo, e.g. scripts/demo.sh --connections 600
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
scripts/install-deps.sh
mvn -B -q install -DskipTests
exec samples/target/svcproxy/bin/svcproxy demo "$@"
