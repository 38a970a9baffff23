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

    /**
     * IPVS settings; {@code excludeCidrs} is copied.
     *
     * @param excludeCidrs virtual servers in these ranges are never touched
     * @param scheduler the default IPVS scheduler (e.g. {@code rr})
     * @param strictArp whether to set {@code arp_ignore}/{@code arp_announce} as kube-proxy's {@code strictARP}
     * @param tcpTimeout the IPVS TCP timeout, zero for the kernel's
     * @param tcpFinTimeout the IPVS TCP FIN timeout, zero for the kernel's
     * @param udpTimeout the IPVS UDP timeout, zero for the kernel's
     */
    public IpvsSettings {
        excludeCidrs = List.copyOf(excludeCidrs);
    }

    /**
     * kube-proxy's defaults: scheduler rr, nothing excluded, no strict ARP, the kernel's timeouts.
     *
     * @return kube-proxy's defaults
     */
    public static IpvsSettings defaults() {
        return new IpvsSettings("rr", List.of(), false, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
