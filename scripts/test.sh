#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Every test: unit tests, the compatibility kits (fake and kernel), the kernel tests in throw-away network
# namespaces (root), and beside them the tests that need IPVS and dummy interfaces inside Debian's kernel under
# qemu (scripts/vm-test.sh: one host core for most of the run), then the demo on the module path as a smoke test of
# the launcher's module graph. One build comes first and nothing rebuilds while the VM reads it: the host's tests
# run as `surefire:test` goals over the installed build, as the VM's do.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
scripts/install-deps.sh
scripts/check-headers.sh
# namespaces a killed earlier run may have left behind (tests delete their own, even on failure)
for ns in $(ip netns list | awk '/^svcp-/{print $1}'); do ip netns del "$ns" || true; done
mvn -B install -DskipTests "$@"
echo "== fabric8's file-name-derived module names: read by svcproxy-k8s alone"
for jar in */target/svcproxy-*.jar; do
    case "$jar" in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
    fabric8=$(jar --describe-module --file "$jar" | grep -E '^requires (kubernetes|io\.fabric8)' || true)
    if [[ "$jar" == sdk-k8s/* ]]; then
        echo "$fabric8"
    elif [ -n "$fabric8" ]; then
        echo "$jar reads a fabric8 module: only svcproxy-k8s may" >&2
        exit 1
    fi
done
echo "== tests tagged vm, inside the kernel VM (IPVS, dummy interfaces), started beside the host's tests"
vm_log=$(mktemp /tmp/svcproxy-vm-test.XXXXXX)
# (its own time limit: under qemu's emulated CPU, beside the host's passes, it ran 20-30 minutes on a 2-core machine)
SKIP_BUILD=1 VM_TIMEOUT=${VM_TIMEOUT:-2700} scripts/vm-test.sh >"$vm_log" 2>&1 &
vm_pid=$!
# a failed host stage stops the VM (the whole process tree: timeout(1) runs qemu in a process group of its own)
kill_tree() { local c; for c in $(pgrep -P "$1"); do kill_tree "$c"; done; kill "$1" 2>/dev/null || true; }
trap 'kill_tree "$vm_pid"' EXIT
echo "== unit tests and kernel tests on the host"
# (the BOM is a bare pom without Surefire)
mvn -o -B surefire:test@default-test surefire:test@kernel-tests -pl '!bom' "$@"
echo "== reproducible builds: a second build, byte for byte"
scripts/reproducible.sh
echo "== waiting for the VM's tests"
vm_rc=0
wait "$vm_pid" || vm_rc=$?
trap - EXIT
cat "$vm_log"
rm -f "$vm_log"
[ "$vm_rc" = 0 ] || { echo "VM tests failed (exit $vm_rc)" >&2; exit "$vm_rc"; }
echo "== backend and scheduler discovery on the module path and on the class path: the same lists"
DIST=samples/target/svcproxy
on_mp=$(java -p "$DIST/lib:$DIST/plugins" --add-modules ALL-MODULE-PATH -m dev.svcproxy.samples/dev.svcproxy.samples.ListBackends)
on_cp=$(java -cp "$DIST/lib/*:$DIST/plugins/*" dev.svcproxy.samples.ListBackends)
echo "$on_mp"; echo "$on_cp"
echo "$on_mp" | grep -q "backend iptables: available"
echo "$on_mp" | grep -q "backend ipvs:"
echo "$on_mp" | grep -q "scheduler annotation-weights"
if [ "$(echo "$on_mp" | tail -n +2 | sort)" != "$(echo "$on_cp" | tail -n +2 | sort)" ]; then
    echo "discovery differs between the module path and the class path" >&2
    exit 1
fi
echo "== module-path smoke run of the demo"
samples/target/svcproxy/bin/svcproxy demo --connections 30 >/tmp/svcproxy-smoke.txt
grep -q "HTTP requests from the node" /tmp/svcproxy-smoke.txt
echo "module-path smoke run: ok"
# one closing line over both Surefire passes of every module
python3 - <<'PY' 2>/dev/null || awk 'BEGIN{print "summary: see the Surefire results above"}'
import glob, re
t = f = s = 0
for x in glob.glob("**/target/*-reports/TEST-*.xml", recursive=True):
    head = open(x, encoding="utf-8").read(2000)
    m = re.search(r'<testsuite [^>]*', head).group(0)
    a = dict(re.findall(r'(\w+)="([^"]*)"', m))
    t += int(a["tests"]); f += int(a["failures"]) + int(a["errors"]); s += int(a["skipped"])
print(f"tests: {t - f - s} passed, {f} failed, {s} skipped")
PY
