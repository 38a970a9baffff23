// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceTableTest {

    private static VirtualService.Builder svc(String name, String ip) {
        return VirtualService.builder().name(ServicePortName.parse(name)).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse(ip));
    }

    @Test
    void servicePortNamesPrintAsKubeProxy() {
        assertEquals("ns1/svc1:p80", ServicePortName.of("ns1", "svc1", "p80").toString());
        assertEquals("ns1/svc1", ServicePortName.of("ns1", "svc1", "").toString());
        assertEquals(ServicePortName.of("a", "b", "c"), ServicePortName.parse("a/b:c"));
        assertThrows(InvalidInputException.class, () -> ServicePortName.of("ns 1", "svc", ""));
    }

    @Test
    void endpointsSortByTheirText() {
        List<Endpoint> sorted = List.of(Endpoint.parse("10.0.0.10:80"), Endpoint.parse("10.0.0.9:80"),
                Endpoint.parse("10.0.0.1:80")).stream().sorted().toList();
        // plain string order, as Go sort.Strings: ":" sorts after "0"
        assertEquals("[10.0.0.10:80, 10.0.0.1:80, 10.0.0.9:80]", sorted.toString());
    }

    @Test
    void aTableHoldsServicesOfItsFamily() {
        VirtualService a = svc("ns/a:http", "10.96.0.1").addClusterEndpoint(Endpoint.parse("10.244.0.5:8080")).build();
        ServiceTable t = ServiceTable.builder().family(IpFamily.IPV4).addService(a)
                .addNodeIp(IpAddress.parse("192.168.1.10")).build();
        assertEquals(1, t.services().size());
        assertTrue(a.hasAnyEndpoints());
        assertFalse(a.isExternallyAccessible());
        assertEquals("random", a.scheduler());
        InvalidInputException e = assertThrows(InvalidInputException.class, () ->
                ServiceTable.builder().family(IpFamily.IPV6).addService(a).build());
        assertTrue(e.getMessage().contains("ns/a:http"), e.getMessage());
    }

    @Test
    void badServicesAreRefusedNamingThem() {
        InvalidInputException mixed = assertThrows(InvalidInputException.class, () ->
                svc("ns/a", "10.96.0.1").addClusterEndpoint(Endpoint.parse("[fd00::1]:80")).build());
        assertTrue(mixed.getMessage().contains("ns/a") && mixed.getMessage().contains("mixes"), mixed.getMessage());
        assertThrows(InvalidInputException.class, () -> svc("ns/a", "10.96.0.1").port(70000).build());
        assertThrows(InvalidInputException.class, () -> svc("ns/a", "10.96.0.1").nodePort(-1).build());
        assertThrows(InvalidInputException.class, () ->
                svc("ns/a", "10.96.0.1").addLocalEndpoint(Endpoint.parse("10.0.0.1:80")).build());
        VirtualService s = svc("ns/a", "10.96.0.1").build();
        InvalidInputException dup = assertThrows(InvalidInputException.class, () ->
                ServiceTable.builder().family(IpFamily.IPV4).addService(s).addService(s).build());
        assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
        assertThrows(InvalidInputException.class, () -> SessionAffinity.clientIp(0));
        assertEquals(10800, SessionAffinity.DEFAULT_TIMEOUT_SECONDS);
    }
}
