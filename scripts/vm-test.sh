#!/bin/bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Runs the tests tagged "vm" (IPVS, dummy interfaces: not in every host kernel) inside Debian's own kernel,
# booted under qemu by scripts/kernel-vm.sh, as `mvn -o surefire:test@vm-tests`. Reports land in
# <module>/target/vm-test-reports. Exits with Maven's exit code (125 if the VM itself failed).
#
#   scripts/vm-test.sh                 # build on the host, then run every vm test in the VM
#   SKIP_BUILD=1 scripts/vm-test.sh    # reuse the host build (e.g. right after `mvn verify`)
#   VM_TEST_MODULES=sdk-ipvs-testkit VM_TEST_ARGS=-Dtest=VmIpvsContractTest scripts/vm-test.sh
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
start=$(date +%s)
set +e
# -Xshare:off: the JVM has crashed (SIGSEGV, SEGV_ACCERR) with its class-data archive mapped over 9p in the VM
export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -Xshare:off"
bash scripts/kernel-vm.sh run -w "$M2" -e JAVA_HOME -e JAVA_TOOL_OPTIONS -- \
    mvn -o -B -q -Dmaven.repo.local="$M2/repository" surefire:test@vm-tests -pl "$VM_TEST_MODULES" ${VM_TEST_ARGS:-}
rc=$?
set -e
echo "vm-test: exit $rc after $(( $(date +%s) - start )) s in the VM ($(cat "$VM_DIR/kernel.version"))"
exit $rc
