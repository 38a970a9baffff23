// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The iptables SDK: typed rules, restore transactions, save parsing, the kernel client, a fake with a packet
 * tracer, kube-proxy's chain layout, and the {@code iptables} {@link dev.svcproxy.api.spi.ServiceProxyBackendProvider}.
 */
module dev.svcproxy.iptables {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.netlink;
    requires org.slf4j;
    requires jdk.unsupported; // sun.misc.Unsafe.invokeCleaner: a large table's buffers freed after its write

    exports dev.svcproxy.iptables;
    exports dev.svcproxy.iptables.kube;

    provides dev.svcproxy.api.spi.ServiceProxyBackendProvider with dev.svcproxy.iptables.kube.IptablesBackendProvider;
}
