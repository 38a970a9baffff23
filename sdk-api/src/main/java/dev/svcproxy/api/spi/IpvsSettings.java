// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.net.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * kube-proxy's {@code ipvs.*} settings, for backends that program IPVS: the default scheduler, the CIDRs whose
 * virtual servers are never touched, strict ARP, and the IPVS connection timeouts (zero leaves the kernel's).
 */
public record IpvsSettings(String scheduler, List<Cidr> excludeCidrs, boolean strictArp, Duration tcpTimeout,
                           Duration tcpFinTimeout, Duration udpTimeout) {

    public IpvsSettings {
        excludeCidrs = List.copyOf(excludeCidrs);
    }

    /** kube-proxy's defaults: scheduler rr, nothing excluded, no strict ARP, the kernel's timeouts. */
    public static IpvsSettings defaults() {
        return new IpvsSettings("rr", List.of(), false, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
