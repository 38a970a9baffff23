// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

/** The netlink families svcproxy speaks. */
public enum NetlinkProtocol {
    /** {@code NETLINK_ROUTE}: links, addresses, routes. */
    ROUTE(0),
    /** {@code NETLINK_NETFILTER}: conntrack, ipset, nf_tables, nfacct. */
    NETFILTER(12),
    /** {@code NETLINK_GENERIC}: IPVS and other generic families. */
    GENERIC(16);

    private final int number;

    NetlinkProtocol(int number) {
        this.number = number;
    }

    /**
     * The kernel's NETLINK_* number.
     *
     * @return the {@code NETLINK_*} number
     */
    public int number() {
        return number;
    }
}
