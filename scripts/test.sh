#!/usr/bin/env bash
# Every test: unit tests, the compatibility kits (fake and kernel), the kernel tests in throw-away network
# namespaces (root), then the tests that need IPVS and dummy interfaces inside Debian's kernel under qemu
# (scripts/vm-test.sh), then the demo on the module path as a smoke test of the launcher's module graph.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
scripts/install-deps.sh
# namespaces a killed earlier run may have left behind (tests delete their own, even on failure)
for ns in $(ip netns list | awk '/^svcp-/{print $1}'); do ip netns del "$ns" || true; done
mvn -B install "$@"
echo "== tests tagged vm, inside the kernel VM (IPVS, dummy interfaces)"
SKIP_BUILD=1 scripts/vm-test.sh
echo "== backend discovery on the module path and on the class path"
MP=samples/target/svcproxy/lib
for run in "java -p $MP -m dev.svcproxy.samples/dev.svcproxy.samples.ListBackends" \
           "java -cp samples/target/svcproxy/lib/*:samples/target/svcproxy/lib dev.svcproxy.samples.ListBackends"; do
    out=$($run)
    echo "$out"
    echo "$out" | grep -q "backend iptables: available"
    echo "$out" | grep -q "scheduler random"
done
echo "== module-path smoke run of the demo"
samples/target/svcproxy/bin/svcproxy demo --connections 30 >/tmp/svcproxy-smoke.txt
grep -q "HTTP requests from the node" /tmp/svcproxy-smoke.txt
echo "module-path smoke run: ok"
# one closing line over both Surefire passes of every module
python3 - <<'PY' 2>/dev/null || awk 'BEGIN{print "summary: see the Surefire results above"}'
import glob, re
t = f = s = 0
for x in glob.glob("*/target/*-reports/TEST-*.xml"):
    head = open(x, encoding="utf-8").read(2000)
    m = re.search(r'<testsuite [^>]*', head).group(0)
    a = dict(re.findall(r'(\w+)="([^"]*)"', m))
    t += int(a["tests"]); f += int(a["failures"]) + int(a["errors"]); s += int(a["skipped"])
print(f"tests: {t - f - s} passed, {f} failed, {s} skipped")
PY
