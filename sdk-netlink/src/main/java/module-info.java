// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Netlink for svcproxy: sockets (NETLINK_ROUTE, NETLINK_NETFILTER, NETLINK_GENERIC) with sequence numbers, ACKs,
 * multi-part dumps, extended-ack error text and batching; a pure-Java message and attribute codec; generic
 * netlink family lookup; sockets opened inside another network namespace; the legacy x_tables socket options and
 * the xtables lock ({@code dev.svcproxy.netlink.xtables}). The only module that uses jnr-ffi.
 */
module dev.svcproxy.netlink {
    requires transitive dev.svcproxy.api;
    requires org.jnrproject.ffi;
    requires org.objectweb.asm;
    requires org.slf4j;

    exports dev.svcproxy.netlink;
    exports dev.svcproxy.netlink.genl;
    exports dev.svcproxy.netlink.route;
    exports dev.svcproxy.netlink.nfacct;
    exports dev.svcproxy.netlink.netns;
    exports dev.svcproxy.netlink.xtables;
    // exported for jnr-ffi only (the LibC interface alone): jnr defines its generated class in an unnamed module
    exports dev.svcproxy.netlink.internal.jnr;
}
