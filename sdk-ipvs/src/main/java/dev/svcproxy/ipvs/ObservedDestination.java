// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

/** A real server as the kernel reports it: its configuration, connection counts and counters. */
public record ObservedDestination(Destination destination, long activeConnections, long inactiveConnections,
                                  long persistentConnections, Stats stats) {

    /**
     * True while connections still use it (what graceful termination waits for).
     *
     * @return true while active or inactive connections remain
     */
    public boolean hasConnections() {
        return activeConnections + inactiveConnections > 0;
    }
}
