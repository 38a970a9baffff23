// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftPacketTracer;
import dev.svcproxy.nftables.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Packets through kube-proxy's nftables table for its overall scenario, as the tracer evaluates them. */
class NftPacketTracerTest {
    private static final NftPacketTracer TRACER = tracer();

    private static NftPacketTracer tracer() {
        FakeNftables fake = new FakeNftables();
        new NftablesBackend(fake, Scenario.context()).sync(Scenario.table());
        return new NftPacketTracer(fake.list(Family.IP, "kube-proxy").orElseThrow(), Set.of(Scenario.NODE_IP));
    }

    private static List<NftPacketTracer.Outcome> from(String src, String dst, int port, boolean outside) {
        return TRACER.trace(new NftPacketTracer.Packet(IpAddress.parse(src), IpAddress.parse(dst), Protocol.TCP, 40000, port,
                Optional.of(outside ? "eth0" : "cbr0")));
    }

    @Test
    void aClusterIpSplitsOverItsEndpointsAndMasqueradesTrafficFromOutsideThePodCidr() {
        List<NftPacketTracer.Outcome> out = from("203.0.113.2", "172.30.0.44", 80, true);
        assertEquals(Map.of(HostPort.parse("10.180.0.4:80"), 0.5, HostPort.parse("10.180.0.5:80"), 0.5), NftPacketTracer.shares(out));
        assertTrue(out.stream().allMatch(NftPacketTracer.Outcome::masquerade));
        assertTrue(out.get(0).steps().stream().anyMatch(s -> s.startsWith("services: ip daddr . meta l4proto . th dport vmap @service-ips")),
                out.get(0).steps().toString());
        // from a pod: DNAT without masquerade
        List<NftPacketTracer.Outcome> pod = from("10.0.0.2", "172.30.0.41", 80, false);
        assertEquals(Optional.of(HostPort.parse("10.180.0.1:80")), pod.get(0).dnat());
        assertFalse(pod.get(0).masquerade());
        assertEquals(Verdict.Kind.ACCEPT, pod.get(0).verdict());
    }

    @Test
    void rejectsDropsAndNodePorts() {
        NftPacketTracer.Outcome none = from("10.0.0.2", "172.30.0.46", 80, false).get(0);
        assertTrue(none.rejected() && none.dnat().isEmpty(), "no endpoints: rejected, " + none);
        NftPacketTracer.Outcome blocked = from("203.0.113.130", "5.6.7.8", 80, true).get(0);
        assertEquals(Verdict.Kind.DROP, blocked.verdict());
        assertFalse(blocked.rejected());
        assertTrue(blocked.steps().get(blocked.steps().size() - 1).endsWith("ip saddr != 203.0.113.0/25 drop"), blocked.steps().toString());
        NftPacketTracer.Outcome allowed = from("203.0.113.2", "5.6.7.8", 80, true).get(0);
        assertEquals(Optional.of(HostPort.parse("10.180.0.3:80")), allowed.dnat(), allowed.toString());
        NftPacketTracer.Outcome nodePort = from("203.0.113.2", "192.168.0.2", 3003, true).get(0);
        assertEquals(Optional.of(HostPort.parse("10.180.0.3:80")), nodePort.dnat());
        assertTrue(nodePort.masquerade());
        NftPacketTracer.Outcome wrongPort = from("10.0.0.2", "172.30.0.41", 443, false).get(0);
        assertTrue(wrongPort.rejected(), "a port the cluster IP does not serve: " + wrongPort);
    }
}
