#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Runs the benchmarks behind the README's performance tables, one after the other in one run, on the built
# distribution (build it first: mvn -B install -DskipTests), and keeps their output in target/bench/<time>/
# (summary.txt: every bench's command and result lines).
#   scripts/bench.sh             every group below, in this order (about an hour on two cores)
#   scripts/bench.sh GROUP...    some of them:
#     syncs      SyncBench: the iptables backend's syncs, 1,000 services on nft and legacy, 10,000 on legacy
#     sources    SourceLatencyBench and ApiSourceLatencyBenchTest: a change to programmed, 1,000 and 10,000 services
#     startup    StartupBench: process start to the end of run --once, 1,000 and 10,000 services
#     memory     MemoryBench (manifests) and ApiMemoryBenchTest (API server), 1,000 to 100,000 endpoints; the
#                -Xmx256m runs at 10,000 services (MemoryBench, StartupBench, ChurnBench) with their collections
#     churn      ChurnBench: 100 changes a second for 60 s, iptables (nft, legacy) and nftables modes at 1,000
#                services, nftables mode and iptables on nft at 10,000
#     iptables   IptablesBench: build+render against iptables-restore, 100 to 10,000 services
#     nftables   NftablesBench and NftablesSyncBench: the SDK and the nftables backend against nft -f
#     netlink    IpsetBench and ConntrackBench: the SDK against ipset restore and the conntrack tool
#     datapath   DatapathBench: new connections per second to the last of 10,000 services, both modes
#     ipvs       IpvsBench and IpvsSyncBench in the kernel VM (scripts/kernel-vm.sh): 1,000 and 10,000 services
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
[ ${#groups[@]} -gt 0 ] || groups=(syncs sources startup memory churn iptables nftables netlink datapath ipvs)

bench() { # name, main class and its arguments: runs one bench (JVM options from $JOPTS), keeps its output, prints
          # its result lines, and with -Xlog:gc a count of the collections instead of their lines
    local name=$1
    shift
    echo "== $name: ${JOPTS:+$JOPTS }$*" | tee -a "$out/summary.txt"
    local main=$1
    shift
    # shellcheck disable=SC2086
    java -XX:+UseSerialGC ${JOPTS:-} -p "$lib" --add-modules ALL-MODULE-PATH \
        -m "dev.svcproxy.samples/dev.svcproxy.samples.bench.$main" "$@" > "$out/$name.txt" 2>&1 \
        || echo "FAILED: exit status $?" >> "$out/$name.txt"
    results "$out/$name.txt"
}

results() { # a bench's output file: its lines but the log's and the collector's, then the collections counted
    grep -vE ' (INFO|DEBUG|WARN) |\]\[gc' "$1" | tee -a "$out/summary.txt" || true
    if grep -q '\]\[gc.*Pause' "$1"; then
        grep '\]\[gc.*Pause' "$1" | awk '{n++; if ($0 ~ /Pause Full/) f++; ms += $NF + 0}
            END {printf "collections: %d (%d full), pauses %.2f s\n", n, f, ms / 1000}' | tee -a "$out/summary.txt"
    fi
}

apibench() { # services, changes: the API-server source against fabric8's mock server (a test, tag bench)
    echo "== api-$1: ApiSourceLatencyBenchTest services=$1 changes=$2" | tee -a "$out/summary.txt"
    mvn -o -B -q -pl samples surefire:test@bench -Dtest=ApiSourceLatencyBenchTest -Dbench.services="$1" \
        -Dbench.changes="$2" > "$out/api-$1.txt" 2>&1 || echo "FAILED: exit status $?" | tee -a "$out/summary.txt"
    grep -E '^(write|sync|the write|lag)' "$out/api-$1.txt" | tee -a "$out/summary.txt"
}

apimemory() { # services [JVM options]: MemoryBench fed by fabric8's mock API server (a test, tag bench), the
             # serial collector and the JVM's default heap unless the options say otherwise
    local name=api-memory-$1${2:+-$(echo "$2" | tr -dc 'a-z0-9')}
    echo "== $name: ApiMemoryBenchTest services=$1 ${2:-}" | tee -a "$out/summary.txt"
    rm -f samples/target/api-memory-report.txt
    mvn -o -B -q -pl samples surefire:test@bench -Dtest=ApiMemoryBenchTest -Dbench.services="$1" \
        "-Dbench.javaOpts=-XX:+UseSerialGC ${2:-}" > "$out/$name.txt" 2>&1 \
        || echo "FAILED: exit status $?" | tee -a "$out/summary.txt"
    cp samples/target/api-memory-report.txt "$out/$name-report.txt" 2>/dev/null && results "$out/$name-report.txt"
}

vm() { # name, then a command for the kernel VM (IPVS is not in this host's kernel)
    local name=$1
    shift
    echo "== $name (kernel VM): $*" | tee -a "$out/summary.txt"
    scripts/kernel-vm.sh run -- "$@" > "$out/$name.txt" 2>&1 || echo "FAILED: exit status $?" >> "$out/$name.txt"
    results "$out/$name.txt"
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
        startup)
            bench startup-1000 StartupBench 1000 5
            bench startup-10000 StartupBench 10000 3
            bench startup-1000-nftables StartupBench 1000 3 nftables
            ;;
        memory)
            for n in 100 1000 10000; do
                bench memory-$n MemoryBench $n iptables
            done
            JOPTS="-Xmx256m -Xlog:gc" bench memory-10000-xmx256 MemoryBench 10000 iptables
            JOPTS="-Xmx256m -Xlog:gc" bench memory-10000-xmx256-nftables MemoryBench 10000 nftables
            bench run-once-10000-xmx256 StartupBench 10000 2 iptables -Xmx256m -Xlog:gc
            JOPTS="-Xmx256m -Xlog:gc" bench churn-10000-xmx256 ChurnBench 10000 30 100 nft
            mvn -o -B -q test-compile -pl samples > "$out/test-compile.txt" 2>&1
            for n in 100 1000 10000; do
                apimemory $n
            done
            apimemory 10000 -Xmx256m
            ;;
        churn)
            bench churn-1000-nft ChurnBench 1000 60 100 nft
            bench churn-1000-legacy ChurnBench 1000 60 100 legacy
            bench churn-1000-nftables ChurnBench 1000 60 100 nftables
            bench churn-10000-nftables ChurnBench 10000 60 100 nftables
            bench churn-10000-nft ChurnBench 10000 60 100 nft
            ;;
        iptables)
            for n in 100 1000; do
                bench iptables-$n-legacy IptablesBench $n legacy
                bench iptables-$n-nft IptablesBench $n nft
            done
            bench iptables-10000-legacy IptablesBench 10000 legacy
            ;;
        nftables)
            bench nftables-1000 NftablesBench 1000 10 10000
            bench nftables-2000 NftablesBench 2000 10 10000
            bench nftables-10000 NftablesBench 10000 10 10000
            bench nftables-10000-parts-2000 NftablesBench 10000 10 2000
            bench nftables-sync-1000 NftablesSyncBench 1000 3
            bench nftables-sync-10000 NftablesSyncBench 10000 1
            ;;
        netlink)
            bench ipset IpsetBench 100000
            bench conntrack ConntrackBench 50000
            ;;
        datapath)
            bench datapath DatapathBench 10000 5
            ;;
        ipvs)
            scripts/kernel-vm.sh setup > "$out/vm-setup.txt" 2>&1
            m="dev.svcproxy.samples/dev.svcproxy.samples.bench"
            vm ipvs-1000 java -Xshare:off -p "$lib" --add-modules ALL-MODULE-PATH -m "$m.IpvsBench" 1000
            vm ipvs-10000 java -Xshare:off -p "$lib" --add-modules ALL-MODULE-PATH -m "$m.IpvsBench" 10000
            vm ipvs-sync-1000 java -Xshare:off -p "$lib" --add-modules ALL-MODULE-PATH -m "$m.IpvsSyncBench" 1000 3
            VM_MEM=4096 vm ipvs-sync-10000 java -Xshare:off -Xmx2g -p "$lib" --add-modules ALL-MODULE-PATH \
                -m "$m.IpvsSyncBench" 10000 2
            ;;
        *)
            echo "unknown group '$g' (syncs sources startup memory churn iptables nftables netlink datapath ipvs)" >&2
            exit 2
            ;;
    esac
done
echo "all output in $out (summary.txt)"
