// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.netlink.netns.Sysctls;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kube-proxy's conntrack settings ({@code setupConntrack}) in the proxy's network namespace: {@code nf_conntrack_max}
 * from maxPerCore x CPUs (at least min), the TCP established and close-wait timeouts, {@code tcp_be_liberal}, the UDP
 * timeouts; zero leaves a setting alone. What the kernel refuses (the global maximum from inside a network
 * namespace, say) comes back as a warning, as kube-proxy only warns.
 */
public final class ConntrackSysctls {

    private ConntrackSysctls() {
    }

    public static List<String> apply(ProxyConfig.Conntrack c, Optional<Path> netns) {
        Map<String, Long> wanted = new LinkedHashMap<>();
        if (c.maxPerCore() > 0) {
            wanted.put("nf_conntrack_max", Math.max((long) c.maxPerCore() * Runtime.getRuntime().availableProcessors(), c.min()));
        }
        wanted.put("nf_conntrack_tcp_timeout_established", c.tcpEstablishedTimeout().toSeconds());
        wanted.put("nf_conntrack_tcp_timeout_close_wait", c.tcpCloseWaitTimeout().toSeconds());
        if (c.tcpBeLiberal()) {
            wanted.put("nf_conntrack_tcp_be_liberal", 1L);
        }
        wanted.put("nf_conntrack_udp_timeout", c.udpTimeout().toSeconds());
        wanted.put("nf_conntrack_udp_timeout_stream", c.udpStreamTimeout().toSeconds());
        Map<String, Long> set = new LinkedHashMap<>();
        wanted.forEach((name, value) -> {
            if (value > 0) {
                set.put("net.netfilter." + name, value);
            }
        });
        return Sysctls.in(netns).trySet(set);
    }
}
