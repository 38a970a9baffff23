// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * kube-proxy's iptables layout: chain names by its hash scheme ({@link dev.svcproxy.iptables.kube.KubeChains}),
 * the rules of a {@link dev.svcproxy.api.model.ServiceTable} ({@link dev.svcproxy.iptables.kube.KubeProxyRules}),
 * and the {@code iptables} backend that applies them.
 */
package dev.svcproxy.iptables.kube;
