// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.net.Cidr;
import java.util.List;

/**
 * How a backend tells traffic from this node's pods from other traffic (kube-proxy's {@code detectLocalMode}).
 * {@link #none()} detects nothing: no off-cluster masquerade rule and no pod short-circuit.
 */
public sealed interface LocalTraffic {

    /** Pod traffic comes from these CIDRs ({@code ClusterCIDR} / {@code NodeCIDR} modes). */
    record FromCidrs(List<Cidr> cidrs) implements LocalTraffic {
        /**
         * Detection by source range; {@code cidrs} is copied.
         *
         * @param cidrs the pod CIDRs
         */
        public FromCidrs {
            cidrs = List.copyOf(cidrs);
        }
    }

    /** Pod traffic enters through this bridge ({@code BridgeInterface}). */
    record FromBridge(String bridge) implements LocalTraffic {
    }

    /** Pod traffic enters through interfaces whose names start with this prefix ({@code InterfaceNamePrefix}). */
    record FromInterfacePrefix(String prefix) implements LocalTraffic {
    }

    /** No detection. */
    record None() implements LocalTraffic {
    }

    /**
     * No detection.
     *
     * @return {@link None}
     */
    static LocalTraffic none() {
        return new None();
    }

    /**
     * Detection by source range.
     *
     * @param cidrs the pod CIDRs
     * @return {@link FromCidrs}
     */
    static LocalTraffic fromCidrs(Cidr... cidrs) {
        return new FromCidrs(List.of(cidrs));
    }
}
