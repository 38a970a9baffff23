/**
 * kube-proxy's inputs, k8s-free at the surface: {@link dev.svcproxy.k8s.ProxyConfig} (read from a
 * {@code KubeProxyConfiguration} v1alpha1 file by {@link dev.svcproxy.k8s.ProxyConfigLoader}) and
 * {@link dev.svcproxy.k8s.ClusterSnapshot} (Services, EndpointSlices and Nodes from manifest files), turned into one
 * {@link dev.svcproxy.api.model.ServiceTable} per IP family by {@link dev.svcproxy.k8s.ServiceTables}.
 */
package dev.svcproxy.k8s;
