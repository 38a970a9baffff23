#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Reproducible builds: builds the reactor a second time, in a copy of the sources (another path, a later time),
# and compares every jar it makes byte for byte with the main build's. Run after `mvn install` (scripts/test.sh
# does). project.build.outputTimestamp in the parent POM fixes the jars' entry times.
set -euo pipefail
cd "$(dirname "$0")/.."
copy=$(mktemp -d /tmp/svcproxy-repro.XXXXXX)
trap 'rm -rf "$copy"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$copy"
(cd "$copy" && mvn -o -B -q package -DskipTests)
checked=0
differ=()
for jar in */target/*.jar; do
    [ -f "$copy/$jar" ] || { differ+=("$jar (not rebuilt)"); continue; }
    if cmp -s "$jar" "$copy/$jar"; then
        checked=$((checked + 1))
    else
        differ+=("$jar")
    fi
done
if [ ${#differ[@]} -gt 0 ]; then
    printf 'not reproducible: %s\n' "${differ[@]}" >&2
    exit 1
fi
echo "reproducible: $checked jars byte-identical across two builds"
