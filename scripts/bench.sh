#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Runs the benchmarks behind the README's tables of issue 17, one after the other in one run, on the built
# distribution (build it first: mvn -B install -DskipTests), and keeps their output in target/bench/.
#   scripts/bench.sh            syncs and sources (about 15 minutes on two cores)
#   scripts/bench.sh syncs      SyncBench: 1,000 services on nft and legacy, 10,000 on legacy
#   scripts/bench.sh sources    SourceLatencyBench and ApiSourceLatencyBenchTest at 1,000 and 10,000 services
# Needs root (fresh network namespaces); touches nothing outside them. Run it on an idle machine: each figure is
# compared with the tools' own cost measured in the same run, but two cores shared with a build skew both.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
lib=samples/target/svcproxy/lib
[ -d "$lib" ] || { echo "no distribution in $lib: run mvn -B install -DskipTests first" >&2; exit 1; }
out=target/bench/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(syncs sources)

bench() { # name, main class and its arguments: runs one bench, keeps its output, prints its summary lines
    local name=$1
    shift
    echo "== $name: $*" | tee -a "$out/summary.txt"
    local main=$1
    shift
    java -XX:+UseSerialGC -p "$lib" --add-modules ALL-MODULE-PATH -m "dev.svcproxy.samples/dev.svcproxy.samples.bench.$main" "$@" \
        > "$out/$name.txt" 2>&1
    grep -vE ' (INFO|DEBUG|WARN) ' "$out/$name.txt" | tee -a "$out/summary.txt"
}

apibench() { # services, changes: the API-server source against fabric8's mock server (a test, tag bench)
    echo "== api-$1: ApiSourceLatencyBenchTest services=$1 changes=$2" | tee -a "$out/summary.txt"
    mvn -o -B -q -pl samples surefire:test@bench -Dtest=ApiSourceLatencyBenchTest -Dbench.services="$1" \
        -Dbench.changes="$2" > "$out/api-$1.txt" 2>&1
    grep -E '^(write|sync|the write|lag)' "$out/api-$1.txt" | tee -a "$out/summary.txt"
}

for g in "${groups[@]}"; do
    case "$g" in
        syncs)
            bench sync-1000-nft SyncBench 1000 nft 3
            bench sync-1000-legacy SyncBench 1000 legacy 3
            bench sync-10000-legacy SyncBench 10000 legacy 2
            ;;
        sources)
            bench source-1000 SourceLatencyBench 1000 30
            bench source-10000 SourceLatencyBench 10000 20
            mvn -o -B -q test-compile -pl samples > "$out/test-compile.txt" 2>&1
            apibench 1000 30
            apibench 10000 20
            ;;
        *)
            echo "unknown group '$g' (syncs, sources)" >&2
            exit 2
            ;;
    esac
done
echo "all output in $out (summary.txt)"
