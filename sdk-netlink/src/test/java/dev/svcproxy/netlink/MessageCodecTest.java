// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.PermissionDeniedException;
import dev.svcproxy.api.TransactionFailedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void genericNetlinkFamilyRequestGoldenBytes() {
        // what `genl ctrl get name nlctrl` sends (x86-64, little endian), seq 1, pid 0
        byte[] b = new MessageBuilder(0x10, Netlink.NLM_F_ACK, "genl family nlctrl").genl(3, 1)
                .string(2, "nlctrl").bytes(1, 0);
        assertEquals("20000000" + "1000" + "0500" + "01000000" + "00000000"  // len 32, type 0x10, REQUEST|ACK, seq 1, pid 0
                + "03010000"                                                   // genlmsghdr: cmd 3, version 1
                + "0b000200" + "6e6c6374726c0000", HEX.formatHex(b));           // attr len 11 type 2 "nlctrl\0" + pad
    }

    @Test
    void writeToPutsTheSameBytesWithTheHeaderGivenAtTheBuffersPosition() {
        MessageBuilder m = new MessageBuilder(0x10, Netlink.NLM_F_ACK, "genl family nlctrl").genl(3, 1).string(2, "nlctrl")
                .u16(3, 0x0102).u32(4, 0x01020304L).u64Be(5, 0x0102030405060708L, false).flag(6);
        ByteBuffer out = ByteBuffer.allocate(8 + m.length()).order(ByteOrder.nativeOrder());
        out.position(8);
        m.writeTo(out, m.flags() & ~Netlink.NLM_F_ACK, 9, 77);
        assertEquals(8 + m.length(), out.position());
        byte[] expected = m.bytes(9, 77);
        ByteBuffer.wrap(expected).order(ByteOrder.nativeOrder()).putShort(6, (short) Netlink.NLM_F_REQUEST);
        byte[] written = new byte[m.length()];
        out.position(8);
        out.get(written);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(written));
        assertThrows(IllegalStateException.class, () -> new MessageBuilder(1, 0, "open").beginNested(1).writeTo(out.clear(), 0, 1, 0));
        assertThrows(IllegalStateException.class, () -> new MessageBuilder(1, 0, "none open").endNested());
    }

    @Test
    void nfnetlinkHeaderNestedAndNetworkOrderAttributes() {
        byte[] b = new MessageBuilder((6 << 8) | 9, 0, "ipset add").nfgen(2, 0x1234)
                .u8(1, 7)
                .beginNested(7)
                .beginNested(1).u32Be(1, 0x0a000001L, true).endNested()
                .u16Be(4, 80, true)
                .endNested()
                .bytes(5, 42);
        assertEquals("3400000009060100" + "05000000" + "2a000000"  // len 52, type 0x609, REQUEST, seq 5, pid 42
                + "02001234"                                         // nfgenmsg: AF_INET, v0, res_id 0x1234 big endian
                + "0500010007000000"                                 // u8 attr 1 = 7, padded
                + "1800" + "0780"                                    // nested 7, len 24
                + "0c00" + "0180"                                    //   nested 1, len 12
                + "0800" + "0140" + "0a000001"                       //     attr 1 | NET_BYTEORDER = 10.0.0.1
                + "0600" + "0440" + "00500000", HEX.formatHex(b));  //   attr 4 | NET_BYTEORDER = 80, padded
        // and parsing it back
        NetlinkMessage m = NetlinkMessage.parseAll(ByteBuffer.wrap(b)).get(0);
        assertEquals((6 << 8) | 9, m.type());
        assertEquals(5, m.seq());
        Attributes a = m.attributes(4);
        assertEquals(7, a.u8(1));
        Attributes data = a.nested(7);
        assertEquals(0x0a000001L, data.nested(1).u32Be(1));
        assertEquals(80, data.u16Be(4));
    }

    @Test
    void repeatedNestedAndOffsetAttributesReadFromTheSharedBuffer() {
        byte[] b = new MessageBuilder(16, 0, "x")
                .string(3, "kube-ipvs0")
                .beginNested(2).u16(1, 7).u16(1, 8).u64Be(2, 0x0102030405060708L, false).endNested()
                .u32(1, 0xfffffffeL).u32(1, 5)
                .bytes(1, 1);
        ByteBuffer at = ByteBuffer.allocate(b.length + 3);
        at.position(3).put(b, 16, b.length - 16).flip().position(3); // after three bytes of something else
        Attributes a = Attributes.parse(at);
        assertEquals(List.of(3, 2, 1), List.copyOf(a.types()), "in the order they first appear");
        assertEquals("kube-ipvs0", a.string(3));
        assertEquals(0xfffffffeL, a.u32(1), "the first of a repeated type");
        assertEquals(List.of(0xfffffffeL, 5L), a.all(1).stream().map(x -> x.getInt(0) & 0xffffffffL).toList());
        assertEquals(0, a.get(1).orElseThrow().position(), "every payload from its start, however often it is asked for");
        a.get(1).orElseThrow().getInt();
        assertEquals(4, a.get(1).orElseThrow().remaining());
        Attributes n = a.nested(2);
        assertEquals(7, n.u16(1));
        assertEquals(2, n.all(1).size());
        assertEquals(0x0102030405060708L, n.u64Be(2));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, n.bytes(2));
        assertTrue(a.nestedIfPresent(4).isEmpty());
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> a.nested(3),
                "a payload that is no attribute stream fails when it is read as nested");
        assertTrue(e.getMessage().contains("at offset 0") || e.getMessage().contains("stray"), e.getMessage());
        assertThrows(MalformedMessageException.class, () -> n.u32(2 + 1), "missing");
        assertThrows(MalformedMessageException.class, () -> n.u64Be(1), "too short: a u16 read as a u64");
    }

    @Test
    void unknownAttributesAreKeptAsideAndTruncationIsAnError() {
        ByteBuffer attrs = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        attrs.putShort((short) 8).putShort((short) 999).putInt(1).putShort((short) 5).putShort((short) 2).put((byte) 9);
        attrs.position(16).flip();
        Attributes a = Attributes.parse(attrs);
        assertEquals(9, a.u8(2));
        assertTrue(a.has(999));
        assertFalse(a.has(3));
        assertThrows(MalformedMessageException.class, () -> a.u32(3));

        ByteBuffer truncated = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        truncated.putShort((short) 12).putShort((short) 1).putInt(0).flip();
        assertThrows(MalformedMessageException.class, () -> Attributes.parse(truncated));

        byte[] msg = new MessageBuilder(16, 0, "x").bytes(1, 1);
        ByteBuffer cut = ByteBuffer.wrap(msg, 0, 12);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> NetlinkMessage.parseAll(cut));
        assertTrue(e.getMessage().contains("stray"), e.getMessage());
        ByteBuffer lying = ByteBuffer.wrap(msg.clone()).order(ByteOrder.nativeOrder());
        lying.putInt(0, 400);
        assertThrows(MalformedMessageException.class, () -> NetlinkMessage.parseAll(lying));
    }

    @Test
    void errnoBecomesTheMatchingTypedException() {
        assertTrue(NetlinkErrors.toException(2, "ipset del KUBE-X 10.0.0.1", null) instanceof NotFoundException);
        assertTrue(NetlinkErrors.toException(17, "ipset create KUBE-X", null) instanceof AlreadyExistsException);
        assertTrue(NetlinkErrors.toException(1, "op", null) instanceof PermissionDeniedException);
        assertTrue(NetlinkErrors.toException(16, "op", null) instanceof BusyException);
        TransactionFailedException other = (TransactionFailedException) NetlinkErrors.toException(71, "ipvs add", "bad scheduler");
        assertTrue(other.getMessage().contains("ipvs add") && other.getMessage().contains("bad scheduler"), other.getMessage());
        assertTrue(NetlinkErrors.toException(2, "ipset del KUBE-X 10.0.0.1", "Element not found").getMessage()
                .contains("ENOENT"));
    }

    @Test
    void extendedAckTextIsRead() {
        // an NLMSG_ERROR for seq 7: errno -22, the capped request header, then NLMSGERR_ATTR_MSG "bad thing"
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + 16 + 16).order(ByteOrder.nativeOrder());
        b.putInt(52).putShort((short) 2).putShort((short) (Netlink.NLM_F_ACK_TLVS | Netlink.NLM_F_CAPPED)).putInt(7).putInt(1);
        b.putInt(-22);
        b.putInt(20).putShort((short) 16).putShort((short) 5).putInt(7).putInt(1);
        b.putShort((short) 14).putShort((short) 1).put("bad thing\0".getBytes()).put(new byte[2]);
        b.flip();
        NetlinkMessage m = NetlinkMessage.parseAll(b).get(0);
        assertEquals("bad thing", NetlinkSocket.extAck(m));
        assertEquals(-22, m.payload().getInt(0));
    }
}
