#!/usr/bin/env bash
# Every test: unit tests, the compatibility kit (fake and kernel), and the kernel tests in throw-away network
# namespaces (root). Then the demo on the module path as a smoke test of the launcher's module graph.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || exec sudo -E "$0" "$@"
scripts/install-deps.sh
mvn -B verify "$@"
echo "== backend discovery on the module path and on the class path"
MP=samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib
for run in "java -p $MP -m dev.svcproxy.samples/dev.svcproxy.samples.ListBackends" \
           "java -cp samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib/* dev.svcproxy.samples.ListBackends"; do
    out=$($run)
    echo "$out"
    echo "$out" | grep -q "backend iptables: available"
    echo "$out" | grep -q "scheduler random"
done
echo "== module-path smoke run of the demo"
java -p samples/target/samples-0.1.0-SNAPSHOT.jar:samples/target/lib \
    -m dev.svcproxy.samples/dev.svcproxy.samples.demo.ServiceVipDemo 30 >/tmp/svcproxy-smoke.txt
grep -q "connections from the node" /tmp/svcproxy-smoke.txt
echo "module-path smoke run: ok"
