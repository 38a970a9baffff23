// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.ConntrackEntry;
import dev.svcproxy.conntrack.ConntrackFilter;
import dev.svcproxy.conntrack.Status;
import dev.svcproxy.conntrack.TcpState;
import dev.svcproxy.conntrack.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link ConntrackClient} must do, the kernel's and the fake alike; {@link #client()} is an empty table. */
public abstract class ConntrackClientContract {
    static final IpAddress CLIENT = IpAddress.parse("10.0.0.1");
    static final IpAddress VIP = IpAddress.parse("10.96.0.10");
    static final IpAddress EP1 = IpAddress.parse("10.244.0.27");
    static final IpAddress EP2 = IpAddress.parse("10.244.0.28");
    static final IpAddress CLIENT6 = IpAddress.parse("fd00::1");
    static final IpAddress VIP6 = IpAddress.parse("fd00:96::10");
    static final IpAddress EP6 = IpAddress.parse("fd00:244::27");

    /**
     * The client under test, over an empty conntrack table, fresh for each test.
     *
     * @return a new client
     */
    protected abstract ConntrackClient client();

    static ConntrackEntry dnat(Protocol p, IpAddress client, int sport, IpAddress vip, int port, IpAddress ep, int epPort) {
        return ConntrackEntry.of(Tuple.of(p, client, sport, vip, port), Tuple.of(p, ep, epPort, client, sport), 120);
    }

    /** 6 UDP entries to VIP:53 (3 per endpoint), 2 to VIP:54, a TCP one, and 2 IPv6 ones. */
    static List<ConntrackEntry> sample() {
        List<ConntrackEntry> l = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            l.add(dnat(Protocol.UDP, CLIENT, 40000 + i, VIP, 53, i % 2 == 0 ? EP1 : EP2, 5353));
        }
        l.add(dnat(Protocol.UDP, CLIENT, 40100, VIP, 54, EP1, 5454));
        l.add(dnat(Protocol.UDP, CLIENT, 40101, VIP, 54, EP2, 5454));
        l.add(dnat(Protocol.TCP, CLIENT, 40200, VIP, 53, EP1, 5353));
        l.add(dnat(Protocol.UDP, CLIENT6, 40300, VIP6, 53, EP6, 5353));
        l.add(dnat(Protocol.UDP, CLIENT6, 40301, VIP6, 53, EP6, 5353));
        return l;
    }

    @Test
    void createdEntriesAreListedBackWithTheirTuples() {
        ConntrackClient c = client();
        assertEquals(Map.of(), c.create(sample()));
        List<ConntrackEntry> v4 = c.list(IpFamily.IPV4);
        assertEquals(9, v4.size());
        assertEquals(2, c.list(IpFamily.IPV6).size());
        assertEquals(11, c.count());
        ConntrackEntry tcp = c.list(ConntrackFilter.builder().protocol(Protocol.TCP).build()).get(0);
        assertEquals(EP1, tcp.reply().src());
        assertEquals(5353, tcp.reply().srcPort());
        assertEquals(Optional.of(TcpState.ESTABLISHED), tcp.tcpState());
        assertTrue(tcp.isDestinationNatted());
        assertTrue(tcp.id() != 0, "listed entries carry the kernel's id");
        assertTrue(tcp.timeoutSeconds() > 0 && tcp.timeoutSeconds() <= 120, tcp.toString());
        for (ConntrackEntry want : sample()) {
            assertEquals(1, c.list(ConntrackFilter.builder().where(want::sameConnection).build()).size(), want.toString());
        }
    }

    @Test
    void deleteByServiceThenByEndpointRemovesExactlyThose() {
        ConntrackClient c = client();
        c.create(sample());
        assertEquals(6, c.delete(ConntrackFilter.toService(Protocol.UDP, VIP, 53)));
        assertEquals(0, c.delete(ConntrackFilter.toService(Protocol.UDP, VIP, 53)), "nothing left to delete");
        assertEquals(5, c.count());
        assertEquals(1, c.delete(ConntrackFilter.toEndpoint(Protocol.UDP, EP2, 5454)));
        List<ConntrackEntry> v4 = c.list(IpFamily.IPV4);
        assertEquals(2, v4.size());
        assertTrue(v4.stream().anyMatch(e -> e.protocol() == 6));
        assertTrue(v4.stream().anyMatch(e -> e.original().dstPort() == 54 && e.reply().src().equals(EP1)));
        assertEquals(2, c.delete(ConntrackFilter.toService(Protocol.UDP, VIP6, 53)));
        assertTrue(c.list(IpFamily.IPV6).isEmpty());
    }

    /**
     * Each kind of condition, alone and together: a client that lets the kernel check some of them while it dumps
     * (single IPv4 addresses, protocols, ports, marks, statuses) and checks the rest itself (ranges, IPv6 addresses,
     * zones, predicates) lists what one that checks them all itself lists.
     */
    @Test
    void everyKindOfConditionListsTheSameEntries() {
        ConntrackClient c = client();
        c.create(sample());
        c.create(dnat(Protocol.UDP, CLIENT, 40400, VIP, 53, EP1, 5353).withMark(0x4000));
        assertEquals(10, c.list(ConntrackFilter.builder().origDst(Cidr.parse("10.96.0.0/24")).build()).size(), "a range");
        assertEquals(9, c.list(ConntrackFilter.builder().protocol(Protocol.UDP).origSrc(CLIENT).build()).size(),
                "a protocol and a single address, no port");
        assertEquals(4, c.list(ConntrackFilter.toEndpoint(Protocol.UDP, EP1, 5353)).size(), "the reply's source and port");
        assertEquals(1, c.list(ConntrackFilter.builder().protocol(Protocol.UDP).origSrcPort(40101).origDstPort(54)
                .replySrc(EP2).build()).size(), "conditions on both tuples");
        assertEquals(0, c.list(ConntrackFilter.builder().protocol(Protocol.TCP).origDstPort(54).build()).size(),
                "a port of another protocol's entries");
        assertEquals(1, c.list(ConntrackFilter.builder().protocol(Protocol.UDP).origDstPort(53).mark(0x4000, 0x4000)
                .build()).size(), "a mark under a mask");
        assertEquals(12, c.list(ConntrackFilter.builder().status(Status.CONFIRMED).build()).size(), "a status bit, both families");
        assertEquals(1, c.list(ConntrackFilter.builder().protocol(Protocol.TCP).status(Status.CONFIRMED).build()).size());
        assertEquals(2, c.list(ConntrackFilter.toService(Protocol.UDP, VIP6, 53)).size(), "an IPv6 service");
        assertEquals(0, c.list(ConntrackFilter.toService(Protocol.UDP, VIP6, 54)).size(), "an IPv6 service's other port");
        assertEquals(1, c.list(ConntrackFilter.builder().origSrc(CLIENT6).origSrcPort(40301).build()).size(),
                "an IPv6 address and a port without a protocol");
        assertEquals(3, c.delete(ConntrackFilter.builder().protocol(Protocol.UDP).origDst(VIP).origDstPort(53)
                .replySrc(EP2).build()), "a delete by the same conditions");
        assertEquals(9, c.count());
    }

    @Test
    void deleteOneEntryAndFlushAFamily() {
        ConntrackClient c = client();
        c.create(sample());
        ConntrackEntry one = c.list(ConntrackFilter.builder().origSrcPort(40003).build()).get(0);
        assertTrue(c.delete(one));
        assertFalse(c.delete(one), "already gone");
        assertEquals(10, c.count());
        c.flush(IpFamily.IPV4);
        assertTrue(c.list(IpFamily.IPV4).isEmpty());
        assertEquals(2, c.list(IpFamily.IPV6).size(), "flushing IPv4 leaves IPv6");
    }

    @Test
    void marksZonesAndIcmpEntries() {
        ConntrackClient c = client();
        ConntrackEntry marked = dnat(Protocol.UDP, CLIENT, 41000, VIP, 53, EP1, 5353).withMark(0x4000);
        ConntrackEntry zoned = dnat(Protocol.UDP, CLIENT, 41000, VIP, 53, EP1, 5353).withZone(5);
        ConntrackEntry ping = ConntrackEntry.of(Tuple.icmp(CLIENT, EP1, 8, 0, 77), 30);
        ConntrackEntry ping6 = ConntrackEntry.of(Tuple.icmp(CLIENT6, EP6, 128, 0, 78), 30);
        assertEquals(Map.of(), c.create(List.of(marked, zoned, ping, ping6)));
        assertEquals(1, c.list(ConntrackFilter.builder().mark(0x4000, 0xffffffffL).build()).size());
        ConntrackEntry z = c.list(ConntrackFilter.builder().zone(5).build()).get(0);
        assertEquals(zoned.original(), z.original());
        ConntrackEntry p = c.list(ConntrackFilter.builder().protocol(Tuple.ICMP).build()).get(0);
        assertEquals(ping.original(), p.original());
        assertEquals(0, p.reply().icmp().orElseThrow().type());
        assertEquals(ping6.original(), c.list(ConntrackFilter.builder().protocol(Tuple.ICMPV6).build()).get(0).original());
        assertEquals(1, c.delete(ConntrackFilter.builder().zone(5).build()));
        assertEquals(1, c.delete(ConntrackFilter.builder().protocol(Tuple.ICMP).build()));
        assertEquals(2, c.count());
    }

    @Test
    void duplicatesAndEntriesWithoutTimeoutAreRefusedOneByOne() {
        ConntrackClient c = client();
        ConntrackEntry a = dnat(Protocol.UDP, CLIENT, 42000, VIP, 53, EP1, 5353);
        ConntrackEntry b = dnat(Protocol.UDP, CLIENT, 42001, VIP, 53, EP1, 5353);
        c.create(a);
        assertThrows(AlreadyExistsException.class, () -> c.create(a));
        ConntrackEntry noTimeout = ConntrackEntry.of(b.original(), b.reply(), 0);
        Map<ConntrackEntry, RuntimeException> failed = c.create(List.of(a, noTimeout, b));
        assertEquals(2, failed.size());
        assertTrue(failed.get(a) instanceof AlreadyExistsException, String.valueOf(failed.get(a)));
        assertTrue(failed.get(noTimeout) instanceof InvalidInputException, String.valueOf(failed.get(noTimeout)));
        assertEquals(2, c.count(), "the good entry of the batch was created");
    }
}
