// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Typed conntrack entries and filters, and a client over the kernel's ctnetlink protocol. */
module dev.svcproxy.conntrack {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.netlink;
    requires org.slf4j;

    exports dev.svcproxy.conntrack;
}
