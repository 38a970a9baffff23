// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.model.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * kube-proxy's {@code CategorizeEndpoints}: which endpoints serve traffic that may go anywhere (cluster) and which
 * serve traffic whose policy is Local, with topology hints and the serving-terminating fallback.
 */
public final class EndpointCategorizer {

    /** The outcome: the two lists, and whether any usable endpoint exists at all. */
    public record Result(List<Endpoint> cluster, List<Endpoint> local, boolean hasAny) {
    }

    private EndpointCategorizer() {
    }

    /**
     * @param usesCluster  ITP is Cluster, or the service is externally reachable (kube-proxy's UsesClusterEndpoints)
     * @param usesLocal    ITP is Local, or the service is externally reachable with ETP Local
     * @param nodeName     this node, for node hints
     * @param nodeZone     this node's {@code topology.kubernetes.io/zone}, if it has one
     */
    public static Result categorize(List<Endpoint> endpoints, boolean usesCluster, boolean usesLocal, String nodeName,
                                    Optional<String> nodeZone) {
        List<Endpoint> cluster = List.of();
        List<Endpoint> local = List.of();
        boolean any = false;
        if (usesCluster) {
            Predicate<Endpoint> topology = topologyFilter(endpoints, nodeName, nodeZone);
            cluster = filter(endpoints, e -> e.ready() && topology.test(e));
            if (cluster.isEmpty()) {
                cluster = filter(endpoints, e -> e.serving() && e.terminating());
            }
            any = !cluster.isEmpty();
        }
        if (usesLocal) {
            local = filter(endpoints, e -> e.local() && e.ready());
            if (local.isEmpty()) {
                local = filter(endpoints, e -> e.local() && e.serving() && e.terminating());
            }
            // kube-proxy counts every ready or serving-terminating endpoint, local or not: with remote ones only,
            // Local traffic is dropped ("has no local endpoints"), not rejected as having no endpoints
            any |= endpoints.stream().anyMatch(e -> e.ready() || e.serving() && e.terminating());
        }
        return new Result(cluster, local, any);
    }

    /**
     * Node hints when every ready endpoint has one and one names this node; else zone hints when every ready
     * endpoint has one and one names this node's zone; else no filtering.
     */
    static Predicate<Endpoint> topologyFilter(List<Endpoint> endpoints, String nodeName, Optional<String> zone) {
        List<Endpoint> ready = filter(endpoints, Endpoint::ready);
        if (ready.isEmpty()) {
            return e -> true;
        }
        if (ready.stream().allMatch(e -> !e.nodeHints().isEmpty()) && ready.stream().anyMatch(e -> e.nodeHints().contains(nodeName))) {
            return e -> e.nodeHints().contains(nodeName);
        }
        if (zone.isPresent() && ready.stream().allMatch(e -> !e.zoneHints().isEmpty())
                && ready.stream().anyMatch(e -> e.zoneHints().contains(zone.get()))) {
            return e -> e.zoneHints().contains(zone.get());
        }
        return e -> true;
    }

    private static List<Endpoint> filter(List<Endpoint> l, Predicate<Endpoint> p) {
        return l.stream().filter(p).toList();
    }
}
