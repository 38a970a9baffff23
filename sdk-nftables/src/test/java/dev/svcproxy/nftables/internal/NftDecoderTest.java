// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.netlink.MalformedMessageException;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder on what the encoder writes, and on replies that are cut short or do not add up. */
class NftDecoderTest {
    static final Table T = Table.of(Family.IP, "kp");
    static final NftSet MAP = NftSet.map(T, "m", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE), DataType.VERDICT)
            .withComment("services");

    private static NetlinkMessage first(NftTransaction tx) {
        return NetlinkMessage.parseAll(ByteBuffer.wrap(NftEncoder.encode(tx).get(0).message().bytes())).get(0);
    }

    @Test
    void aSetAndItsElementsDecodeToWhatWasEncoded() {
        assertEquals(MAP, NftDecoder.set(first(NftTransaction.create().add(MAP)).attributes(4), T).orElseThrow());
        Element e = Element.of(List.of("10.0.0.1", "tcp", "80"), Verdict.goTo("svc")).withComment("web");
        assertEquals(List.of(e), NftDecoder.elements(first(NftTransaction.create().addElements(MAP, e)), MAP));
    }

    @Test
    void aTruncatedOrInconsistentReplyIsAMalformedMessageNotAWrongValue() {
        byte[] bytes = NftEncoder.encode(NftTransaction.create().add(MAP)).get(0).message().bytes();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 6);
        ByteBuffer.wrap(cut).order(ByteOrder.nativeOrder()).putInt(0, cut.length); // the header agrees, the last attribute overruns
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> NftDecoder.set(NetlinkMessage.parseAll(ByteBuffer.wrap(cut)).get(0).attributes(4), T));
        assertTrue(e.getMessage().contains("overruns"), e.getMessage());
        // an element whose key is shorter than the set's type says
        NftSet ips = NftSet.set(T, "ips", DataType.IPV4_ADDR);
        NetlinkMessage elements = first(NftTransaction.create().addElements(ips, Element.of("10.0.0.1")));
        assertThrows(MalformedMessageException.class, () -> NftDecoder.elements(elements, NftSet.set(T, "ips", DataType.IPV6_ADDR)));
    }
}
