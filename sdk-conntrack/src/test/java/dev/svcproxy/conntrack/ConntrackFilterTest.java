// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConntrackFilterTest {
    static final IpAddress CLIENT = IpAddress.parse("10.0.0.1");
    static final IpAddress VIP = IpAddress.parse("10.96.0.10");
    static final IpAddress EP = IpAddress.parse("10.244.0.27");

    static ConntrackEntry dnat(Protocol p, int sport, IpAddress vip, int port, IpAddress ep, int epPort) {
        return ConntrackEntry.of(Tuple.of(p, CLIENT, sport, vip, port), Tuple.of(p, ep, epPort, CLIENT, sport), 30);
    }

    @Test
    void serviceEndpointAndNodePortFiltersPickTheirConnections() {
        ConntrackEntry toVip = dnat(Protocol.UDP, 40000, VIP, 53, EP, 5353);
        ConntrackEntry tcpToVip = dnat(Protocol.TCP, 40000, VIP, 53, EP, 5353);
        ConntrackEntry otherEp = dnat(Protocol.UDP, 40001, VIP, 53, IpAddress.parse("10.244.0.28"), 5353);
        ConntrackEntry nodePort = dnat(Protocol.UDP, 40002, IpAddress.parse("192.168.1.5"), 30053, EP, 5353);

        ConntrackFilter svc = ConntrackFilter.toService(Protocol.UDP, VIP, 53);
        assertTrue(svc.matches(toVip) && svc.matches(otherEp));
        assertFalse(svc.matches(tcpToVip) || svc.matches(nodePort));

        ConntrackFilter ep = ConntrackFilter.toEndpoint(Protocol.UDP, EP, 5353);
        assertTrue(ep.matches(toVip) && ep.matches(nodePort));
        assertFalse(ep.matches(otherEp) || ep.matches(tcpToVip));

        ConntrackFilter np = ConntrackFilter.toNodePort(Protocol.UDP, IpFamily.IPV4, 30053);
        assertTrue(np.matches(nodePort));
        assertFalse(np.matches(toVip));
        assertFalse(ConntrackFilter.toNodePort(Protocol.UDP, IpFamily.IPV6, 30053).matches(nodePort));
        assertEquals("-f ipv4 -p 17 --orig-dst 10.96.0.10 --orig-port-dst 53", svc.toString());
    }

    @Test
    void cidrsMarksStatusesZonesAndPredicates() {
        ConntrackEntry e = dnat(Protocol.UDP, 40000, VIP, 53, EP, 5353).withMark(0x4001).withZone(2);
        assertTrue(ConntrackFilter.builder().origDst(Cidr.parse("10.96.0.0/12")).build().matches(e));
        assertFalse(ConntrackFilter.builder().origDst(Cidr.parse("10.112.0.0/12")).build().matches(e));
        assertTrue(ConntrackFilter.builder().mark(0x4000, 0x4000).build().matches(e));
        assertFalse(ConntrackFilter.builder().mark(0x8000, 0x8000).build().matches(e));
        assertTrue(ConntrackFilter.builder().zone(2).build().matches(e));
        assertFalse(ConntrackFilter.builder().zone(0).build().matches(e));
        assertFalse(ConntrackFilter.builder().status(Status.ASSURED).build().matches(e));
        assertTrue(ConntrackFilter.builder().where(ConntrackEntry::isDestinationNatted).build().matches(e));
        assertFalse(ConntrackFilter.builder().where(x -> !x.reply().src().equals(EP)).build().matches(e));
        assertEquals(Optional.of(IpFamily.IPV4), ConntrackFilter.builder().replySrc(EP).build().family());
        assertTrue(ConntrackFilter.builder().build().matches(e), "an empty filter matches everything");
    }

    @Test
    void badInputIsRefusedWithTheValueNamed() {
        assertThrows(InvalidInputException.class,
                () -> ConntrackFilter.builder().family(IpFamily.IPV6).origDst(VIP).build());
        assertThrows(InvalidInputException.class, () -> ConntrackFilter.builder().origDstPort(70000));
        assertThrows(InvalidInputException.class, () -> ConntrackFilter.builder().protocol(300));
        assertThrows(InvalidInputException.class,
                () -> Tuple.of(Protocol.UDP, CLIENT, 1, IpAddress.parse("fd00::1"), 2));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConntrackEntry.of(
                Tuple.of(Protocol.UDP, CLIENT, 1, VIP, 2), Tuple.of(Protocol.TCP, VIP, 2, CLIENT, 1), 30));
        assertTrue(e.getMessage().contains("protocol"), e.getMessage());
    }

    @Test
    void entriesPrintLikeTheConntrackTool() {
        ConntrackEntry e = dnat(Protocol.UDP, 40000, VIP, 53, EP, 5353);
        assertEquals("udp 17 30 src=10.0.0.1 dst=10.96.0.10 sport=40000 dport=53 [UNREPLIED] "
                + "src=10.244.0.27 dst=10.0.0.1 sport=5353 dport=40000 mark=0 zone=0", e.toString());
    }
}
