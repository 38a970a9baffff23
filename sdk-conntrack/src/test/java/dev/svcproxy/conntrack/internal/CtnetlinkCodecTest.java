// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.conntrack.ConntrackEntry;
import dev.svcproxy.conntrack.ConntrackFilter;
import dev.svcproxy.conntrack.Status;
import dev.svcproxy.conntrack.TcpState;
import dev.svcproxy.conntrack.Tuple;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CtnetlinkCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    static final Tuple ORIG = Tuple.of(Protocol.UDP, IpAddress.parse("10.0.0.1"), 40000, IpAddress.parse("10.96.0.10"), 53);
    static final Tuple REPLY = Tuple.of(Protocol.UDP, IpAddress.parse("10.244.0.27"), 5353, IpAddress.parse("10.0.0.1"), 40000);

    @Test
    void deleteGoldenBytes() {
        // what `conntrack -D -p udp -s 10.0.0.1 -d 10.96.0.10 --sport 40000 --dport 53` sends (little-endian host)
        byte[] b = CtnetlinkCodec.delete(ConntrackEntry.of(ORIG, REPLY, 30)).bytes();
        assertEquals("48000000" + "0201" + "0100" + "00000000" + "00000000" // len 72, IPCTNL_MSG_CT_DELETE, REQUEST
                + "02000000"                                                  // nfgenmsg: AF_INET, v0, res 0
                + "34000180"                                                  // CTA_TUPLE_ORIG (nested)
                + "14000180" + "08000100" + "0a000001" + "08000200" + "0a60000a"   // CTA_TUPLE_IP: v4 src, dst
                + "1c000280" + "05000100" + "11000000"                        // CTA_TUPLE_PROTO: num 17
                + "06000200" + "9c400000" + "06000300" + "00350000",          // ports 40000, 53 (big endian)
                HEX.formatHex(b));
    }

    @Test
    void aServicesDumpAsksTheKernelToFilter() {
        // what `conntrack -L -p udp --orig-dst 10.96.0.10 --orig-port-dst 53` sends: the kernel dumps only those
        byte[] b = CtnetlinkCodec.dump(IpFamily.IPV4, ConntrackFilter.toService(Protocol.UDP, IpAddress.parse("10.96.0.10"), 53)).bytes();
        assertEquals("4c000000" + "0101" + "0103" + "00000000" + "00000000" // len 76, IPCTNL_MSG_CT_GET, REQUEST|DUMP
                + "02000000"                                                  // nfgenmsg: AF_INET
                + "24000180"                                                  // CTA_TUPLE_ORIG (nested)
                + "0c000180" + "08000200" + "0a60000a"                        // CTA_TUPLE_IP: the destination only
                + "14000280" + "05000100" + "11000000" + "06000300" + "00350000" // CTA_TUPLE_PROTO: udp, port 53
                + "14001980" + "08000100" + "2a000000" + "08000200" + "00000000", // CTA_FILTER: ip dst|proto|dst port; reply none
                HEX.formatHex(b));
    }

    @Test
    void whatTheKernelCannotCheckIsLeftToTheClient() {
        // IPv6 addresses (some kernels compare them inverted) and ranges: the protocol and the port only, or nothing
        byte[] v6 = CtnetlinkCodec.dump(IpFamily.IPV6, ConntrackFilter.toService(Protocol.UDP, IpAddress.parse("fd00::10"), 53)).bytes();
        assertEquals("14000280" + "05000100" + "11000000" + "06000300" + "00350000" + "14001980" + "08000100" + "28000000"
                + "08000200" + "00000000", HEX.formatHex(Arrays.copyOfRange(v6, 24, v6.length)));
        ConntrackFilter range = ConntrackFilter.builder().origDst(Cidr.parse("10.96.0.0/24")).zone(3).build();
        assertEquals(HEX.formatHex(CtnetlinkCodec.dump(IpFamily.IPV4).bytes()),
                HEX.formatHex(CtnetlinkCodec.dump(IpFamily.IPV4, range).bytes()), "a plain dump");
        byte[] marked = CtnetlinkCodec.dump(IpFamily.IPV4, ConntrackFilter.builder().mark(0x4000, 0x4000)
                .status(Status.CONFIRMED).build()).bytes();
        assertEquals("08000800" + "00004000" + "08001500" + "00004000" + "08000300" + "00000008" + "08001a00" + "00000008",
                HEX.formatHex(Arrays.copyOfRange(marked, 20, marked.length)), "CTA_MARK/_MASK, CTA_STATUS/_MASK, big endian");
    }

    /** A message shaped like the kernel's dump reply, with an attribute this codec does not know. */
    private static byte[] kernelLikeReply(boolean withReply) {
        MessageBuilder m = new MessageBuilder(CtnetlinkCodec.SUBSYS_CTNETLINK << 8, 0, "reply").nfgen(2, 0);
        Tuple o = Tuple.of(Protocol.TCP, IpAddress.parse("10.0.0.1"), 41000, IpAddress.parse("10.96.0.20"), 80);
        CtnetlinkCodec.tuple(m, CtnetlinkCodec.CTA_TUPLE_ORIG, o);
        if (withReply) {
            CtnetlinkCodec.tuple(m, CtnetlinkCodec.CTA_TUPLE_REPLY,
                    Tuple.of(Protocol.TCP, IpAddress.parse("10.244.0.28"), 8080, IpAddress.parse("10.0.0.1"), 41000));
        }
        m.u32Be(CtnetlinkCodec.CTA_STATUS, Status.CONFIRMED.bit() | Status.ASSURED.bit() | Status.DST_NAT.bit(), false)
                .u32Be(CtnetlinkCodec.CTA_TIMEOUT, 431999, false)
                .u32Be(CtnetlinkCodec.CTA_MARK, 0x4000, false)
                .attr(200, new byte[] {1, 2, 3}) // unknown: skipped
                .beginNested(CtnetlinkCodec.CTA_PROTOINFO).beginNested(CtnetlinkCodec.CTA_PROTOINFO_TCP)
                .u8(CtnetlinkCodec.CTA_PROTOINFO_TCP_STATE, 3).u8(2, 7).endNested().endNested()
                .u32Be(CtnetlinkCodec.CTA_ID, 0xdeadbeefL, false)
                .u16Be(CtnetlinkCodec.CTA_ZONE, 7, false);
        return m.bytes(9, 0);
    }

    private static NetlinkMessage parse(byte[] b) {
        return NetlinkMessage.parseAll(ByteBuffer.wrap(b)).get(0);
    }

    @Test
    void decodesAKernelReplySkippingUnknownAttributes() {
        ConntrackEntry e = CtnetlinkCodec.decode(parse(kernelLikeReply(true)));
        assertEquals("10.96.0.20", e.original().dst().toString());
        assertEquals(80, e.original().dstPort());
        assertEquals("10.244.0.28", e.reply().src().toString());
        assertEquals(8080, e.reply().srcPort());
        assertTrue(e.isDestinationNatted());
        assertTrue(e.has(Status.ASSURED) && e.has(Status.DST_NAT));
        assertEquals(431999, e.timeoutSeconds());
        assertEquals(0x4000, e.mark());
        assertEquals(0xdeadbeefL, e.id());
        assertEquals(7, e.zone());
        assertEquals(Optional.of(TcpState.ESTABLISHED), e.tcpState());
    }

    @Test
    void createRoundTripsThroughTheDecoder() {
        ConntrackEntry want = ConntrackEntry.of(
                Tuple.icmp(IpAddress.parse("fd00::1"), IpAddress.parse("fd00::2"), 128, 0, 4242), 30).withMark(5).withZone(3);
        byte[] b = CtnetlinkCodec.create(want).bytes();
        ConntrackEntry got = CtnetlinkCodec.decode(parse(b));
        assertEquals(want.original(), got.original());
        assertEquals(129, got.reply().icmp().orElseThrow().type(), "the reply of an echo request is an echo reply");
        assertEquals(want.reply(), got.reply());
        assertEquals(30, got.timeoutSeconds());
        assertEquals(5, got.mark());
        assertEquals(3, got.zone());
    }

    @Test
    void truncatedOrIncompleteRepliesAreMalformed() {
        byte[] full = kernelLikeReply(true);
        // a reply cut short inside its attributes: the header's length no longer fits the datagram
        assertThrows(MalformedMessageException.class, () -> parse(Arrays.copyOf(full, full.length - 6)));
        // a message whose own length is consistent but whose last attribute overruns it
        byte[] cut = Arrays.copyOf(full, 60);
        ByteBuffer.wrap(cut).order(java.nio.ByteOrder.nativeOrder()).putInt(0, 60);
        assertThrows(MalformedMessageException.class, () -> CtnetlinkCodec.decode(parse(cut)));
        // no reply tuple
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> CtnetlinkCodec.decode(parse(kernelLikeReply(false))));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals("conntrack -L -f ipv4: malformed kernel reply: attribute 2 is missing",
                e.in("conntrack -L -f ipv4").getMessage());
    }

    @Test
    void anAddressOfTheWrongLengthIsMalformed() {
        MessageBuilder m = new MessageBuilder(CtnetlinkCodec.SUBSYS_CTNETLINK << 8, 0, "reply").nfgen(2, 0);
        m.beginNested(CtnetlinkCodec.CTA_TUPLE_ORIG).beginNested(CtnetlinkCodec.CTA_TUPLE_IP)
                .attr(CtnetlinkCodec.CTA_IP_V4_SRC, new byte[] {10, 0, 0}).attr(CtnetlinkCodec.CTA_IP_V4_DST, new byte[] {10, 0, 0, 2})
                .endNested().beginNested(CtnetlinkCodec.CTA_TUPLE_PROTO).u8(CtnetlinkCodec.CTA_PROTO_NUM, 17).endNested().endNested();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> CtnetlinkCodec.decode(parse(m.bytes())));
        assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
    }
}
