// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Typed IPVS virtual servers and destinations, a client over the kernel's IPVS generic netlink family, and
 * kube-proxy's IPVS mode (the {@code ipvs} {@link dev.svcproxy.api.spi.ServiceProxyBackendProvider}).
 */
module dev.svcproxy.ipvs {
    requires transitive dev.svcproxy.api;
    requires transitive dev.svcproxy.netlink;
    requires transitive dev.svcproxy.iptables;
    requires transitive dev.svcproxy.ipset;
    requires org.slf4j;

    exports dev.svcproxy.ipvs;
    exports dev.svcproxy.ipvs.kube;

    provides dev.svcproxy.api.spi.ServiceProxyBackendProvider with dev.svcproxy.ipvs.kube.IpvsBackendProvider;
}
