// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaleFlowsTest {
    static final IpAddress CLIENT = IpAddress.parse("192.168.1.9");
    static final IpAddress DNS = IpAddress.parse("10.96.0.10");
    static final IpAddress NODE = IpAddress.parse("192.168.1.2");

    static ConntrackEntry flow(Protocol p, int sport, IpAddress dst, int dport, String endpoint) {
        HostPort ep = HostPort.parse(endpoint);
        return ConntrackEntry.of(Tuple.of(p, CLIENT, sport, dst, dport), Tuple.of(p, ep.ip(), ep.port(), CLIENT, sport), 30);
    }

    @Test
    void deletesUdpFlowsToFrontendsWhoseEndpointIsGoneAndNothingElse() {
        FakeConntrack ct = new FakeConntrack();
        ct.create(List.of(
                flow(Protocol.UDP, 1001, DNS, 53, "10.244.0.5:53"),   // endpoint still there: kept
                flow(Protocol.UDP, 1002, DNS, 53, "10.244.0.6:53"),   // endpoint removed: stale
                flow(Protocol.TCP, 1003, DNS, 53, "10.244.0.6:53"),   // TCP: not this clean-up's business
                flow(Protocol.UDP, 1004, NODE, 30053, "10.244.0.6:53"), // node port, endpoint removed: stale
                flow(Protocol.UDP, 1005, NODE, 30053, "10.244.0.5:53"), // node port, endpoint there: kept
                flow(Protocol.UDP, 1006, IpAddress.parse("10.96.0.11"), 53, "10.244.0.7:53"), // service without endpoints: kept
                flow(Protocol.UDP, 1007, IpAddress.parse("8.8.8.8"), 53, "8.8.8.8:53"))); // not a service: kept
        ServiceTable table = ServiceTable.builder().family(IpFamily.IPV4).addServices(
                VirtualService.builder().name(ServicePortName.of("kube-system", "dns", "dns")).protocol(Protocol.UDP).port(53)
                        .clusterIp(DNS).nodePort(30053).addClusterEndpoints(Endpoint.of(HostPort.parse("10.244.0.5:53"))).build(),
                VirtualService.builder().name(ServicePortName.of("default", "idle", "")).protocol(Protocol.UDP).port(53)
                        .clusterIp(IpAddress.parse("10.96.0.11")).build()).build();
        assertEquals(2, StaleFlows.clean(ct, table));
        assertEquals(List.of(1001, 1003, 1005, 1006, 1007),
                ct.list(IpFamily.IPV4).stream().map(e -> e.original().srcPort()).sorted().toList());
    }
}
