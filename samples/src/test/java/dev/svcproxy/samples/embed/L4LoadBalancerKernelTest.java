// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.samples.demo.DemoTopology;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The embedding example on the kernel: a VIP over two pods, then one, then sticky, then removed. */
@Tag("kernel")
class L4LoadBalancerKernelTest {

    static Set<String> pods(List<String> answers) {
        Set<String> s = new TreeSet<>();
        answers.forEach(a -> s.add(a.split(" ")[0]));
        return s;
    }

    @Test
    void spreadsFollowsUpdatesKeepsClientsStickyAndCleansUp() {
        Map<String, String> pods = DemoTopology.pods(27, 28);
        try (DemoTopology topo = new DemoTopology("svcp-test-l4-" + ProcessHandle.current().pid(), pods, 80)) {
            HostPort vip = HostPort.parse("10.101.57.200:8080");
            try (L4LoadBalancer lb = new L4LoadBalancer(vip, Optional.of(topo.node().path()), "iptables")) {
                assertTrue(lb.update(List.of(HostPort.parse("10.244.0.27:80"), HostPort.parse("10.244.0.28:80")), false).skipped().isEmpty());
                assertEquals(Set.of("pod27", "pod28"), pods(topo.connect(topo.client(), vip.toString(), 30)), "spread over both");
                lb.update(List.of(HostPort.parse("10.244.0.28:80")), false);
                assertEquals(Set.of("pod28"), pods(topo.connect(topo.client(), vip.toString(), 10)), "follows the update");
                lb.update(List.of(HostPort.parse("10.244.0.27:80"), HostPort.parse("10.244.0.28:80")), true);
                assertEquals(1, pods(topo.connect(topo.client(), vip.toString(), 10)).size(), "sticky: one client, one pod");
            }
            assertFalse(topo.node().exec("iptables-save", "-t", "nat").contains("KUBE-"), "close() removed everything");
        }
    }
}
