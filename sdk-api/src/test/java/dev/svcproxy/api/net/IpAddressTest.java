// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1, 10.0.0.1",
        "255.255.255.255, 255.255.255.255",
        "FD00::5, fd00::5",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:1, ::1",
        "::, ::",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    })
    void canonicalText(String in, String canonical) {
        assertEquals(canonical, IpAddress.parse(in).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "", "fe80::1%eth0", "[::1]",
        "::ffff:1.2.3.4", "1.2.3.-4", "example.com", "1:2:3:4:5:6:7:8:9", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.1234",
        "1.2.3.+4", "1.2.3.\u0663", "1.2.300.4", "1.2.3.4 "})
    void rejectsBadOrAmbiguousText(String in) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IpAddress.parse(in));
        assertTrue(e.getMessage().contains(in), e.getMessage());
    }

    @Test
    void zeroPaddedOctetsAreExplainedAndReadDecimallyWhenLenient() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> IpAddress.parse("010.000.0.01"));
        assertTrue(e.getMessage().contains("zero-padded"), e.getMessage());
        assertEquals("10.0.0.1", IpAddress.parseLenient("010.000.0.01").toString());
        assertEquals("10.0.0.1", IpAddress.parseLenient("10.00.0.1").toString());
        assertEquals("10.0.0.1", IpAddress.parseLenient("10.0.0.01").toString());
    }

    @Test
    void aCanonicalIpv4TextIsKeptAsTheAddressText() {
        for (String text : new String[] {"10.0.0.1", "0.0.0.0", "100.10.200.0"}) {
            String copy = new String(text.toCharArray()); // an instance of its own, not a literal
            assertSame(copy, IpAddress.parse(copy).toString(), text);
            assertSame(copy, IpAddress.parseLenient(copy).toString(), text);
        }
    }

    @Test
    void aPrefixWithNoHostBitsSharesItsAddress() {
        IpAddress ip = IpAddress.parse("10.1.2.3");
        assertSame(ip, Cidr.of(ip).network());
        assertNotSame(ip, new Cidr(ip, 24).network(), "10.1.2.3/24 is masked to a new address");
        assertEquals("10.1.2.0", new Cidr(ip, 24).network().toString());
        IpAddress net = IpAddress.parse("10.1.2.0");
        assertSame(net, new Cidr(net, 24).network());
    }

    @Test
    void familyAndLoopback() {
        assertEquals(IpFamily.IPV4, IpAddress.parse("127.0.0.9").family());
        assertTrue(IpAddress.parse("127.0.0.9").isLoopback());
        assertTrue(IpAddress.parse("::1").isLoopback());
        assertFalse(IpAddress.parse("10.0.0.1").isLoopback());
    }

    @Test
    void cidrsMaskHostBitsAndContain() {
        Cidr c = Cidr.parse("10.1.2.3/8");
        assertEquals("10.0.0.0/8", c.toString());
        assertTrue(c.contains(IpAddress.parse("10.255.0.1")));
        assertFalse(c.contains(IpAddress.parse("11.0.0.1")));
        assertFalse(c.contains(IpAddress.parse("::1")));
        assertEquals("fd00::/64", Cidr.parse("fd00::1/64").toString());
        assertEquals("10.1.2.3/32", Cidr.parse("10.1.2.3").toString());
        assertTrue(Cidr.parse("10.1.2.3").isSingleAddress());
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("10.0.0.0/08"));
        assertThrows(InvalidInputException.class, () -> Cidr.parse("fd00::/129"));
    }

    @Test
    void hostPortsAreWrittenAsGoJoinHostPort() {
        assertEquals("10.1.2.3:80", HostPort.parse("10.1.2.3:80").toString());
        assertEquals("[fd00::5]:80", HostPort.parse("[fd00:0::5]:80").toString());
        assertEquals("[fd00::5]:80", HostPort.of(IpAddress.parse("fd00::5"), 80).toString());
        assertThrows(InvalidInputException.class, () -> HostPort.parse("fd00::5:80"));
        assertThrows(InvalidInputException.class, () -> HostPort.parse("10.0.0.1:0"));
        assertThrows(InvalidInputException.class, () -> HostPort.parse("10.0.0.1:65536"));
        assertThrows(InvalidInputException.class, () -> HostPort.parse("10.0.0.1:080"));
        assertThrows(InvalidInputException.class, () -> HostPort.parse("[10.0.0.1]:80"));
    }

    @Test
    void portsAndProtocolsAndFamilies() {
        assertEquals(8080, Port.parse("8080").value());
        assertThrows(InvalidInputException.class, () -> Port.of(0));
        assertThrows(InvalidInputException.class, () -> Port.parse("-1"));
        assertEquals(Protocol.SCTP, Protocol.parse("sctp"));
        assertEquals("udp", Protocol.UDP.lowerName());
        assertThrows(InvalidInputException.class, () -> Protocol.parse("icmp"));
        assertEquals(IpFamily.IPV6, IpFamily.parse("IPv6"));
        assertEquals("IPv4", IpFamily.IPV4.toString());
    }
}
