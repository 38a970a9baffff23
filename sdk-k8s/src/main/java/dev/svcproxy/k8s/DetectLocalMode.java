// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

/** How kube-proxy tells traffic from local pods (config {@code detectLocalMode}). */
public enum DetectLocalMode {
    /** Pods are in {@code clusterCIDR} (the default). */
    CLUSTER_CIDR("ClusterCIDR"),
    /** Pods are in this node's {@code spec.podCIDRs}. */
    NODE_CIDR("NodeCIDR"),
    /** Pod traffic arrives on {@code detectLocal.bridgeInterface}. */
    BRIDGE_INTERFACE("BridgeInterface"),
    /** Pod traffic arrives on interfaces named {@code detectLocal.interfaceNamePrefix}*. */
    INTERFACE_NAME_PREFIX("InterfaceNamePrefix");

    private final String configName;

    DetectLocalMode(String configName) {
        this.configName = configName;
    }

    /**
     * The spelling in the configuration file.
     *
     * @return the spelling in the configuration file
     */
    public String configName() {
        return configName;
    }
}
