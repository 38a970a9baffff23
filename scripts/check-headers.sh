#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Every Java source file starts with the project's licence header (two lines: copyright, SPDX identifier), and
# every shell script carries the same two lines right after its #! line.
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(git ls-files '*.java')
scripts=$(git ls-files '*.sh' .ci/run bin/svcproxy 'samples/src/main/dist/bin/*' | sort -u)
missing=$(
    for f in $java; do
        head -2 "$f" | grep -q '^// SPDX-License-Identifier: Apache-2.0$' || echo "$f"
    done
    for f in $scripts; do
        sed -n 2,3p "$f" | grep -q '^# SPDX-License-Identifier: Apache-2.0$' || echo "$f"
    done
)
if [ -n "$missing" ]; then
    echo "no licence header (Java: // Copyright ... / // SPDX-License-Identifier: Apache-2.0; scripts: the same after #!):" >&2
    echo "$missing" >&2
    exit 1
fi
echo "licence headers: $(echo "$java" | wc -l) Java files, $(echo "$scripts" | wc -l) scripts"
