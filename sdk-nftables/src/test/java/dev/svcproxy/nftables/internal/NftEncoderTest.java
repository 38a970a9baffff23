// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.Verdict;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes: what {@code nft --debug=mnl} (nftables 1.0.6) sends for the same objects. */
class NftEncoderTest {
    static final Table KP = Table.of(Family.IP, "kp");
    static final NftSet MAP = NftSet.map(KP, "service-ips", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE),
            DataType.VERDICT).withFlags(NftSet.Flag.TIMEOUT);

    /** A netlink attribute header (length and type, host order) followed by {@code hex}. */
    private static String attr(int type, String hex) {
        int len = 4 + hex.length() / 2;
        ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putShort((short) len).putShort((short) type);
        return HexFormat.of().formatHex(h.array()) + hex + "00".repeat((4 - len % 4) % 4);
    }

    @Test
    void aVerdictMapElementIsEncodedAsNftEncodesIt() {
        // add element ip kp service-ips { 10.96.0.1 . tcp . 443 timeout 10s comment "e" : goto svc1 }
        Element e = Element.of(List.of("10.96.0.1", "tcp", "443"), Verdict.goTo("svc1")).withTimeout(Duration.ofSeconds(10))
                .withComment("e");
        String expected = attr(4, "0000000000002710")
                + attr(0x8001, attr(1, "0a600001" + "06000000" + "01bb0000"))
                + attr(0x8002, attr(0x8002, attr(1, "fffffffc") + attr(2, "7376633100")))
                + attr(6, "000265" + "00");
        assertEquals(expected, HexFormat.of().formatHex(NftEncoder.element(MAP, e, true)));
    }

    @Test
    void theSetCarriesNftsKeyTypeLengthsAndTransactionId() {
        List<NftEncoder.Encoded> m = NftEncoder.encode(NftTransaction.create().add(MAP));
        NetlinkMessage msg = NetlinkMessage.parseAll(ByteBuffer.wrap(m.get(0).message().bytes())).get(0);
        assertEquals(10 << 8 | 9, msg.type());
        var a = msg.attributes(4);
        assertEquals(0x8 | 0x10, a.u32Be(Nft.SET_FLAGS), "map + timeout");
        assertEquals(0x730d, a.u32Be(Nft.SET_KEY_TYPE), "ipv4_addr . inet_proto . inet_service");
        assertEquals(12, a.u32Be(Nft.SET_KEY_LEN));
        assertEquals(0xffffff00L, a.u32Be(Nft.SET_DATA_TYPE));
        assertEquals(0, a.u32Be(Nft.SET_DATA_LEN));
        assertEquals(1, a.u32Be(Nft.SET_ID));
        assertArrayEquals(HexFormat.of().parseHex("000400000000" + "010400000000" + "060400000000"), a.bytes(Nft.SET_USERDATA));
    }

    @Test
    void elementsAreSpreadOverMessagesThatFitA16BitNestedLength() {
        NftSet ips = NftSet.set(KP, "ips", DataType.IPV4_ADDR);
        List<Element> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(Element.of("10.1." + (i >> 8) + "." + (i & 0xff)));
        }
        List<NftEncoder.Encoded> m = NftEncoder.encode(NftTransaction.create().addElements(ips, many));
        assertTrue(m.size() >= 5, m.size() + " messages");
        int total = 0;
        for (NftEncoder.Encoded x : m) {
            var a = NetlinkMessage.parseAll(ByteBuffer.wrap(x.message().bytes())).get(0).attributes(4);
            total += a.nested(Nft.SET_ELEM_LIST_ELEMENTS).all(Nft.LIST_ELEM).size();
        }
        assertEquals(20_000, total);
    }
}
