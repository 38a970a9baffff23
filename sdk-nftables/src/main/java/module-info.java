// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * Typed nftables for svcproxy: tables, chains (regular and base), sets and maps (concatenated keys, verdict maps),
 * elements and rules, written to the kernel as one atomic nf_tables netlink batch per transaction and listed back
 * into the same types, in this or another network namespace; no {@code nft} process.
 */
module dev.svcproxy.nftables {
    requires transitive dev.svcproxy.api;
    requires dev.svcproxy.netlink;
    requires org.slf4j;

    exports dev.svcproxy.nftables;
    exports dev.svcproxy.nftables.kube;

    provides dev.svcproxy.api.spi.ServiceProxyBackendProvider with dev.svcproxy.nftables.kube.NftablesBackendProvider;
}
