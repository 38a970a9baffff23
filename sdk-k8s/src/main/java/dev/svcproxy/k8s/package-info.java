// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The complete kube-proxy, {@link dev.svcproxy.k8s.KubeProxy}, and what it is built from, k8s-free at the surface:
 * {@link dev.svcproxy.k8s.ProxyConfig} (a {@code KubeProxyConfiguration} v1alpha1 file read by
 * {@link dev.svcproxy.k8s.ProxyConfigLoader}, and kube-proxy's flags by {@link dev.svcproxy.k8s.ProxyFlags}), a
 * {@link dev.svcproxy.k8s.ClusterSource} (manifest files, the API server, or a {@link dev.svcproxy.k8s.ClusterFeed}),
 * and {@link dev.svcproxy.k8s.ServiceTables}, which turns Services, EndpointSlices and Nodes into one
 * {@link dev.svcproxy.api.model.ServiceTable} per IP family.
 */
package dev.svcproxy.k8s;
