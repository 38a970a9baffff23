// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feature gates kube-proxy consults. svcproxy accepts all of them and implements the behaviour of their default
 * state (every GA or beta-by-default feature on); a gate outside this list is accepted and reported as unknown, as
 * kube-proxy refuses nothing that a newer kube-proxy might know.
 */
final class FeatureGates {
    static final Set<String> KNOWN = Set.of("AllAlpha", "AllBeta", "ComponentFlagz", "ComponentStatusz", "ContextualLogging",
            "KubeProxyDrainingTerminatingNodes", "LoadBalancerIPMode", "LoggingAlphaOptions", "LoggingBetaOptions",
            "MultiCIDRServiceAllocator", "NFTablesProxyMode", "PreferSameTrafficDistribution", "ServiceTrafficDistribution",
            "TopologyAwareHints", "WinDSR", "WinOverlay");

    private FeatureGates() {
    }

    /** One message per gate of {@code gates} that kube-proxy does not consult. */
    static List<String> unknown(Map<String, Boolean> gates) {
        return gates.keySet().stream().filter(g -> !KNOWN.contains(g)).sorted()
                .map(g -> "feature gate " + g + " is not one kube-proxy consults: ignored").toList();
    }
}
