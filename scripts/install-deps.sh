#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Installs what svcproxy's demo and tests need on Debian 12 (as root, or with sudo): the kernel tools the SDK
# drives and compares against, socat for the demo's servers and clients, and JDK 17 + Maven if missing.
set -euo pipefail
PKGS="iptables ipset conntrack nftables iproute2 nfacct socat curl python3 procps"
command -v java >/dev/null && command -v mvn >/dev/null || PKGS="$PKGS openjdk-17-jdk-headless maven"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
