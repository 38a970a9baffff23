// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyFlags;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The README's embedding example: a complete kube-proxy (iptables mode) for another network namespace, from a
 * directory of manifests, inside the caller's JVM. Needs only sdk-k8s and sdk-iptables (and what they require).
 */
public final class EmbeddedProxy {

    private EmbeddedProxy() {
    }

    /** Starts kube-proxy for node {@code node} in {@code netns}; it syncs and follows {@code manifests} until closed. */
    public static KubeProxy start(Path manifests, Path netns, String node) {
        KubeProxy proxy = KubeProxy.newBuilder()
                .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", node,
                        "healthz-bind-address", "", "metrics-bind-address", "")))  // no HTTP servers
                .source(ClusterSource.manifests(manifests))
                .netns(netns)                                                      // rules, sysctls, conntrack: there
                .build();
        new Thread(proxy::run, "kube-proxy").start();
        return proxy;
    }
}
