#!/bin/sh
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Runs inside the kernel VM (scripts/vm-test.sh starts it there): the tests tagged "vm" of each module named, one
# JVM per module in that module's directory, with JUnit's console launcher (samples/target/vm-runner) over the test
# class path the host wrote to <module>/target/vm-test.classpath. Reports land in <module>/target/vm-test-reports.
# Exits 1 if any module's tests failed.
#   vm-junit.sh MODULE[,MODULE...] [LAUNCHER OPTIONS...]   options (no blanks in any) replace the scan of the module's
#                                                          test classes, e.g. --select-class dev.svcproxy.ipvs.kube.VmIpvsBackendTest
set -u
root=$(pwd)
runner=$root/samples/target/vm-runner/junit-platform-console-standalone.jar
modules=$1
shift
select=${*:-"--scan-class-path target/test-classes"}
status=0
for m in $(echo "$modules" | tr , ' '); do
    start=$(date +%s)
    cd "$root/$m" || exit 1
    rm -rf target/vm-test-reports
    # as Surefire's additionalClasspathElements: a module's distribution configuration (the log format)
    conf=
    [ -d src/main/dist/conf ] && conf=src/main/dist/conf:
    # shellcheck disable=SC2086 # $select is words: launcher options without blanks in them
    java -jar "$runner" execute --disable-banner --disable-ansi-colors --details=tree --include-tag vm --reports-dir target/vm-test-reports \
        --class-path "target/test-classes:target/classes:$conf$(cat target/vm-test.classpath)" $select || status=1
    echo "vm-junit: $m in $(( $(date +%s) - start )) s"
done
exit $status
