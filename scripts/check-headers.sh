#!/usr/bin/env bash
# Every Java source file starts with the project's licence header (two lines: copyright, SPDX identifier).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(git ls-files '*.java' | while read -r f; do
    head -2 "$f" | grep -q '^// SPDX-License-Identifier: Apache-2.0$' || echo "$f"
done)
if [ -n "$missing" ]; then
    echo "no licence header (// Copyright ... / // SPDX-License-Identifier: Apache-2.0):" >&2
    echo "$missing" >&2
    exit 1
fi
echo "licence headers: $(git ls-files '*.java' | wc -l) Java files"
