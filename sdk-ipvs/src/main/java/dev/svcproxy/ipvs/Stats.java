// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

/** What the kernel counted for a service or destination: totals and current rates (per second). */
public record Stats(long connections, long inPackets, long outPackets, long inBytes, long outBytes,
                    long connectionsPerSecond, long inPacketsPerSecond, long outPacketsPerSecond,
                    long inBytesPerSecond, long outBytesPerSecond) {
    /** Nothing counted. */
    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
