// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.kube.KubeChains;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The seed example on the real kernel: namespaces, real TCP connections, the rules read back with iptables-save. */
@Tag("kernel")
class ServiceVipDemoKernelTest {

    @Test
    void threeHundredConnectionsSpreadOverThreePodsAndOutsideClientsAreMasqueraded() {
        java.util.List<String> steps = new java.util.ArrayList<>();
        ServiceVipDemo.Result r = ServiceVipDemo.run("svcp-seed-" + ProcessHandle.current().pid(), 300, steps::add);
        assertEquals(6, steps.size(), "one progress line per step: " + steps);
        assertEquals(Set.of("pod27", "pod28", "pod30"), r.hitsFromNode().keySet(), r.hitsFromNode().toString());
        assertEquals(300, r.hitsFromNode().values().stream().mapToInt(Integer::intValue).sum(), r.hitsFromNode().toString());
        r.hitsFromNode().forEach((pod, n) -> assertTrue(n >= 60 && n <= 141,
                pod + " got " + n + " of 300 (expected 20%-47%): " + r.hitsFromNode()));
        assertEquals(5, r.clientConnections());
        assertEquals(Set.of(DemoTopology.NODE_BRIDGE_IP), r.sourcesSeenFromClient(),
                "pods must see the node's address, not the client's " + DemoTopology.CLIENT_IP);
        String svc = KubeChains.service(ServicePortName.parse("default/nginx-service"), Protocol.TCP).name();
        assertTrue(r.rules().contains("\"default/nginx-service cluster IP\"") && r.rules().contains("-j " + svc), r.rules());
        assertTrue(r.rules().contains("--probability 0.33333333349") && r.rules().contains("^ 1/3 (1/3 of all connections) -> 10.244.0.27:80"), r.rules());
        assertTrue(r.rules().contains("--probability 0.50000000000") && r.rules().contains("^ 1/2 of the rest (1/3 of all connections) -> 10.244.0.28:80"), r.rules());
        assertTrue(r.rules().contains("^ the rest (1/3 of all connections) -> 10.244.0.30:80"), r.rules());
        assertTrue(r.rules().contains("^ set the masquerade mark 0x4000"), r.rules());
        assertEquals(3, r.trace().destinations().size());
        assertTrue(r.trace().masquerade());
    }

    @Test
    void inNftablesModeTheServiceGoesThroughTheMapsAndSpreadsTheSame() {
        ServiceVipDemo.Result r = ServiceVipDemo.run("svcp-seednft-" + ProcessHandle.current().pid(), 300, s -> { }, "nftables");
        assertEquals(Set.of("pod27", "pod28", "pod30"), r.hitsFromNode().keySet(), r.hitsFromNode().toString());
        r.hitsFromNode().forEach((pod, n) -> assertTrue(n >= 60 && n <= 141,
                pod + " got " + n + " of 300 (expected 20%-47%): " + r.hitsFromNode()));
        assertEquals(Set.of(DemoTopology.NODE_BRIDGE_IP), r.sourcesSeenFromClient(), "masqueraded");
        assertTrue(r.rules().startsWith("map service-ips: 10.101.57.97 . tcp . 80 : goto service-"), r.rules());
        assertTrue(r.rules().contains("numgen random mod 3 vmap { 0 : goto endpoint-") && r.rules().contains("1/3 of all connections each"),
                r.rules());
        assertTrue(r.rules().indexOf("dnat to 10.244.0.27:80") < r.rules().indexOf("dnat to 10.244.0.28:80"), "in numgen order: " + r.rules());
        assertTrue(r.rules().contains("masquerade fully-random"), r.rules());
    }
}
