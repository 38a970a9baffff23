#!/bin/bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Runs the tests tagged "vm" (IPVS, dummy interfaces: not in every host kernel) inside Debian's own kernel,
# booted under qemu by scripts/kernel-vm.sh, with JUnit's console launcher, one JVM per module
# (scripts/vm-junit.sh) over the test class path Maven writes here on the host: no Maven runs in the VM, where it
# cost 70-130 s per module before the tests began. Reports land in <module>/target/vm-test-reports. Exits 1 if a
# test failed (125 if the VM itself failed).
#
#   scripts/vm-test.sh                 # build on the host, then run every vm test in the VM
#   SKIP_BUILD=1 scripts/vm-test.sh    # reuse the host build (e.g. right after `mvn verify`)
#   VM_TEST_MODULES=sdk-ipvs-testkit VM_TEST_ARGS="--select-class dev.svcproxy.ipvs.testkit.VmIpvsContractTest" scripts/vm-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export VM_DIR=${VM_DIR:-/var/tmp/svcproxy-kernel-vm}
VM_TEST_MODULES=${VM_TEST_MODULES:-sdk-netlink,sdk-ipvs,sdk-ipvs-testkit,samples}
if [ "$(id -u)" != 0 ]; then
    exec sudo -E "$0" "$@"
fi
[ -f "$VM_DIR/kernel.version" ] || bash scripts/kernel-vm.sh setup
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -q install -DskipTests
fi
M2=${MAVEN_REPO:-$HOME/.m2}
# each module's test class path (its dependencies in the local repository), which the VM's launcher runs over
mvn -o -B -q -Dmaven.repo.local="$M2/repository" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/vm-test.classpath -pl "$VM_TEST_MODULES"
start=$(date +%s)
# -Xshare:off: the JVM has crashed (SIGSEGV, SEGV_ACCERR) with its class-data archive mapped over 9p in the VM.
# -XX:TieredStopAtLevel=1 -XX:+UseSerialGC: under emulation C2's compiles and G1's threads cost the short-lived JVMs
# of the tests (then Maven's and Surefire's forks; now the launcher's; every svcproxy command) more than they give
# back: every VM test ran in 903 s instead of 1,096-1,233 s (2026-12-01).
export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Xshare:off -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
# Class-data sharing for the svcproxy commands the tests start (a JVM start under emulation is most of a minute):
# the JDK's archive and one of svcproxy's classes (made here by a render) are copied into the guest's own memory,
# where mapping them is safe, and the launcher is pointed at them (SVCPROXY_JAVA_OPTS); no archive, no sharing.
cds=samples/target/vm-cds
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
rm -rf "$cds"
if [ -x samples/target/svcproxy/bin/svcproxy ] && [ -f "$jdk/lib/server/classes.jsa" ] && mkdir -p "$cds" \
        && cp "$jdk/lib/server/classes.jsa" "$cds/base.jsa" && printf '%s\n' \
        'apiVersion: v1' 'kind: Service' 'metadata: {name: web, namespace: default}' \
        'spec: {type: NodePort, clusterIP: 10.96.0.10, ports: [{port: 80, nodePort: 30080}]}' '---' \
        'apiVersion: discovery.k8s.io/v1' 'kind: EndpointSlice' \
        'metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}' \
        'addressType: IPv4' 'endpoints: [{addresses: [10.244.0.5]}]' 'ports: [{port: 80}]' > "$cds/svc.yaml" \
        && SVCPROXY_JAVA_OPTS="-Xshare:auto -XX:SharedArchiveFile=$cds/base.jsa -XX:ArchiveClassesAtExit=$cds/top.jsa -Xlog:disable" \
           samples/target/svcproxy/bin/svcproxy render --proxy-mode ipvs --manifests "$cds/svc.yaml" \
           --hostname-override node-a >/dev/null 2>&1 && [ -s "$cds/top.jsa" ]; then
    export SVCPROXY_JAVA_OPTS="-XX:SharedArchiveFile=/tmp/svcproxy-base.jsa:/tmp/svcproxy-top.jsa -Xshare:auto -Xlog:disable"
    in_vm="cp $cds/base.jsa /tmp/svcproxy-base.jsa && cp $cds/top.jsa /tmp/svcproxy-top.jsa && exec \"\$@\""
else
    echo "vm-test: no class-data archive for the svcproxy commands (they start without sharing)"
    in_vm='exec "$@"'
fi
set +e
# shellcheck disable=SC2086 # VM_TEST_ARGS: launcher options, as words
bash scripts/kernel-vm.sh run -s "$M2" -e JAVA_HOME -e JAVA_TOOL_OPTIONS -e SVCPROXY_JAVA_OPTS -- sh -c "$in_vm" sh \
    sh scripts/vm-junit.sh "$VM_TEST_MODULES" ${VM_TEST_ARGS:-}
rc=$?
set -e
echo "vm-test: exit $rc after $(( $(date +%s) - start )) s in the VM ($(cat "$VM_DIR/kernel.version"))"
exit $rc
