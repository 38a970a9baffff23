// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.time.Duration;

/** Durations as {@code nft} writes them: {@code 3h}, {@code 1h30m}, {@code 10s}, {@code 250ms}. */
final class Durations {
    private Durations() {
    }

    static String print(Duration d) {
        long ms = d.toMillis();
        StringBuilder b = new StringBuilder();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                b.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return b.length() == 0 ? "0s" : b.toString();
    }
}
