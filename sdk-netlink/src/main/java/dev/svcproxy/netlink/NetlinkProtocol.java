// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

/** The netlink families svcproxy speaks. */
public enum NetlinkProtocol {
    ROUTE(0), NETFILTER(12), GENERIC(16);

    private final int number;

    NetlinkProtocol(int number) {
        this.number = number;
    }

    /** The kernel's NETLINK_* number. */
    public int number() {
        return number;
    }
}
