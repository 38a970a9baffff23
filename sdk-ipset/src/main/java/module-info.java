// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Typed ipsets and entries, and a client over the kernel's nfnetlink ipset protocol. */
module dev.svcproxy.ipset {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.netlink;
    requires org.slf4j;

    exports dev.svcproxy.ipset;
}
