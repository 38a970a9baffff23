// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube-proxy's large-cluster mode: over 1,000 endpoints in all, per-endpoint rules carry no comment. */
class LargeClusterModeTest {

    static ServiceTable table(int services) {
        List<VirtualService> list = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            VirtualService.Builder b = VirtualService.builder().name(ServicePortName.of("ns", "svc" + s, "")).protocol(Protocol.TCP)
                    .port(80).clusterIp(IpAddress.parse("10.96." + (s / 250) + "." + (s % 250 + 1)));
            for (int e = 0; e < 10; e++) {
                b.addClusterEndpoint(Endpoint.parse("10.128." + s + "." + (e + 1) + ":8080"));
            }
            list.add(b.build());
        }
        return ServiceTable.builder().family(IpFamily.IPV4).addAllServices(list).build();
    }

    static String render(ServiceTable t) {
        return new KubeProxyRules(BackendContext.defaults(), true).fullSync(t, List.of(), new ArrayList<>()).render();
    }

    @Test
    void overAThousandEndpointsThePerEndpointCommentsGo() {
        String small = render(table(100)); // exactly 1,000: not large
        assertFalse(KubeProxyRules.isLargeCluster(table(100)));
        assertTrue(small.contains("-m comment --comment \"ns/svc0 -> 10.128.0.1:8080\""), "per-endpoint comment below the threshold");
        assertTrue(small.lines().anyMatch(l -> l.startsWith("-A KUBE-SEP-") && l.contains("--comment ns/svc0 ")));

        String large = render(table(101));
        assertTrue(KubeProxyRules.isLargeCluster(table(101)));
        assertFalse(large.contains(" -> 10.128."), "no per-endpoint comment in the policy chains");
        assertTrue(large.lines().filter(l -> l.startsWith("-A KUBE-SEP-")).noneMatch(l -> l.contains("--comment")), "none in KUBE-SEP");
        assertTrue(large.lines().anyMatch(l -> l.startsWith("-A KUBE-SEP-") && l.endsWith("-j DNAT --to-destination 10.128.0.1:8080")), large.lines().filter(l -> l.startsWith("-A KUBE-SEP-")).findFirst().orElse(""));
        assertTrue(large.contains("-A KUBE-SERVICES -m comment --comment \"ns/svc0 cluster IP\""), "service-level comments stay");
        // a cached rule set must not survive the switch into large-cluster mode
        KubeProxyRules rules = new KubeProxyRules(BackendContext.defaults(), true);
        rules.fullSync(table(100), List.of(), new ArrayList<>());
        assertFalse(rules.fullSync(table(101), List.of(), new ArrayList<>()).render().contains(" -> 10.128."));
    }
}
