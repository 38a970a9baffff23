#!/usr/bin/env bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# Every Java source file starts with the project's licence header (two lines: copyright, SPDX identifier), and
# every shell script carries the same two lines right after its #! line.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(
    git ls-files '*.java' | while read -r f; do
        head -2 "$f" | grep -q '^// SPDX-License-Identifier: Apache-2.0$' || echo "$f"
    done
    git ls-files '*.sh' .ci/run bin/svcproxy 'samples/src/main/dist/bin/*' | sort -u | while read -r f; do
        sed -n 2,3p "$f" | grep -q '^# SPDX-License-Identifier: Apache-2.0$' || echo "$f"
    done
)
if [ -n "$missing" ]; then
    echo "no licence header (Java: // Copyright ... / // SPDX-License-Identifier: Apache-2.0; scripts: the same after #!):" >&2
    echo "$missing" >&2
    exit 1
fi
echo "licence headers: $(git ls-files '*.java' | wc -l) Java files, $(git ls-files '*.sh' .ci/run bin/svcproxy 'samples/src/main/dist/bin/*' | sort -u | wc -l) scripts"
