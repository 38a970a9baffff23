// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * kube-proxy's nftables mode over sdk-nftables: the {@code kube-proxy} table of {@code pkg/proxy/nftables} rule for
 * rule ({@link dev.svcproxy.nftables.kube.KubeNftLayout}), synced by {@link dev.svcproxy.nftables.kube.NftablesBackend}
 * with one atomic netlink transaction per sync that carries only what changed, and the {@code nftables}
 * {@link dev.svcproxy.api.spi.ServiceProxyBackendProvider}.
 */
package dev.svcproxy.nftables.kube;
