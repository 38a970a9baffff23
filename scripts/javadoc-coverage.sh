#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Javadoc coverage of the published modules: runs javadoc with doclint's 'missing' group on and counts, per module,
# what it reports missing: a public member without a comment, or a comment without its @param, @return or @throws.
# A module may not have more than scripts/javadoc-baseline.txt allows; lower the baseline as members get documented
# (`--update` writes the current counts). Run after a build.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=scripts/javadoc-baseline.txt
modules=$(sed -n 's#^    <module>\(sdk-[a-z0-9-]*\)</module>$#\1#p' pom.xml | paste -sd, -)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# the plugin skips a module whose sources it has seen (its stale-data file), whatever the options: forget them
for m in ${modules//,/ }; do rm -f "$m/target/maven-javadoc-plugin-stale-data.txt"; done
mvn -o -B javadoc:javadoc -pl "$modules" -Dsvcproxy.doclint=all >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
current=$(for m in ${modules//,/ }; do
    printf '%s %s\n' "$m" "$(grep -cE "^\[WARNING\] [^ ]*/$m/src/main/java/.*warning: no (comment|@param|@return|@throws)" "$log" || true)"
done)
if [ "${1:-}" = "--update" ]; then
    echo "$current" >"$baseline"
    echo "javadoc baseline written:"; cat "$baseline"
    exit 0
fi
worse=0
while read -r m n; do
    allowed=$(awk -v m="$m" '$1 == m {print $2}' "$baseline")
    allowed=${allowed:-0}
    if [ "$n" -gt "$allowed" ]; then
        echo "$m: $n missing javadoc comments or tags, the baseline allows $allowed" >&2
        worse=1
    fi
done <<<"$current"
echo "javadoc: missing comments or tags, by module (baseline in $baseline):"
echo "$current" | awk '{printf "  %-24s %s\n", $1, $2; t += $2} END {print "  total " t}'
exit $worse
