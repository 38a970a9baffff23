// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import org.junit.jupiter.api.Test;

class EntryTest {
    static final IpAddress A = IpAddress.parse("10.244.0.27");

    @Test
    void entriesPrintAsIpsetSaveDoes() {
        assertEquals("10.244.0.27,tcp:80,10.244.0.27", Entry.ipPortIp(A, Protocol.TCP, 80, A).toString());
        assertEquals("10.0.0.0/24,udp:53", Entry.netPort(Cidr.parse("10.0.0.0/24"), Protocol.UDP, 53).toString());
        assertEquals("10.0.0.1", Entry.net(Cidr.parse("10.0.0.1/32")).toString());
        assertEquals(Entry.ip(IpAddress.parse("10.0.0.1")), Entry.net(Cidr.parse("10.0.0.1/32")));
        assertEquals("30000", Entry.port(30000).toString());
        assertEquals("KUBE-X", Entry.member("KUBE-X").toString());
    }

    @Test
    void anEntryThatDoesNotFitItsSetIsRefusedBeforeTheKernel() {
        IpSet loop = IpSet.hash("KUBE-LOOP-BACK", SetType.HASH_IP_PORT_IP, IpFamily.IPV4);
        loop.check(Entry.ipPortIp(A, Protocol.TCP, 80, A));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> loop.check(Entry.ip(A)));
        assertTrue(e.getMessage().contains("KUBE-LOOP-BACK") && e.getMessage().contains("hash:ip,port,ip"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> loop.check(Entry.ipPortIp(IpAddress.parse("fd00::1"), Protocol.TCP, 80,
                IpAddress.parse("fd00::1"))));
        assertThrows(InvalidInputException.class, () -> IpSet.hash("S", SetType.HASH_IP, IpFamily.IPV4)
                .check(Entry.net(Cidr.parse("10.0.0.0/8"))));
        assertThrows(InvalidInputException.class, () -> IpSet.bitmapPort("P", 30000, 32767).check(Entry.port(80)));
        assertThrows(InvalidInputException.class, () -> IpSet.hash("S", SetType.HASH_IP, IpFamily.IPV4)
                .check(Entry.ip(A).withComment("x")));
        assertThrows(InvalidInputException.class, () -> IpSet.hash("a set name that is far too long!", SetType.HASH_IP, IpFamily.IPV4));
        assertThrows(InvalidInputException.class, () -> Entry.ip(A).withComment("quote\""));
        assertThrows(InvalidInputException.class, () -> IpSet.bitmapPort("P", 10, 5));
    }
}
