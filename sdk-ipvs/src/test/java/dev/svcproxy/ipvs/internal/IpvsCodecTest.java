// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.ServiceFlag;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Tunnel;
import dev.svcproxy.ipvs.VirtualServer;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpvsCodecTest {
    private static final IpvsCodec CODEC = new IpvsCodec(0x22);

    private static NetlinkMessage parse(MessageBuilder m) {
        return NetlinkMessage.parseAll(ByteBuffer.wrap(m.bytes())).get(0);
    }

    @Test
    void deleteServiceGoldenBytes() {
        // what `ipvsadm -D -t 10.101.57.97:80` sends (little-endian host; IPVS family id 0x22 here)
        byte[] b = CODEC.encode(new IpvsOp.DeleteService(ServiceKey.of(Protocol.TCP, IpAddress.parse("10.101.57.97"), 80))).bytes();
        assertEquals("44000000" + "2200" + "0100" + "00000000" + "00000000"      // len 68, family 0x22, REQUEST
                + "03010000"                                                     // genl: IPVS_CMD_DEL_SERVICE, v1
                + "30000180"                                                     // IPVS_CMD_ATTR_SERVICE (nested), 48 bytes
                + "06000100" + "02000000"                                        // AF_INET (u16)
                + "06000200" + "06000000"                                        // protocol 6 (u16)
                + "14000300" + "0a653961" + "000000000000000000000000"            // address, 16 bytes
                + "06000400" + "00500000",                                       // port 80, big endian
                HexFormat.of().formatHex(b));
    }

    @Test
    void servicesAndDestinationsRoundTripThroughTheDecoder() {
        for (VirtualServer s : new VirtualServer[] {
                VirtualServer.of(ServiceKey.of(Protocol.UDP, IpAddress.parse("10.0.0.1"), 53), "sh")
                        .withFlags(Set.of(ServiceFlag.SH_PORT, ServiceFlag.ONE_PACKET)).withPersistence(600).withPersistenceNetmask(24),
                VirtualServer.of(ServiceKey.of(Protocol.SCTP, IpAddress.parse("fd00::1"), 9), "mh").withPersistence(1).withPersistenceNetmask(64),
                VirtualServer.of(ServiceKey.fwmark(IpFamily.IPV6, 0xffffffffL), "rr")}) {
            assertEquals(s, IpvsCodec.decodeService(parse(CODEC.encode(new IpvsOp.AddService(s)))).service());
        }
        ServiceKey key = ServiceKey.of(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
        Destination d = Destination.masq(IpAddress.parse("10.0.0.2"), 80, 7).withThresholds(5, 1)
                .withTunnel(Tunnel.gue(6080, Tunnel.Checksum.CSUM));
        assertEquals(d, IpvsCodec.decodeDestination(parse(CODEC.encode(new IpvsOp.AddDestination(key, d))), key).destination());
    }

    @Test
    void malformedRepliesAreTyped() {
        MessageBuilder noService = new MessageBuilder(0x22, 0, "reply").genl(1, 1).u32(4, 900);
        assertThrows(MalformedMessageException.class, () -> IpvsCodec.decodeService(parse(noService)));
        MessageBuilder badFamily = new MessageBuilder(0x22, 0, "reply").genl(1, 1);
        badFamily.beginNested(IpvsCodec.ATTR_SERVICE).u16(IpvsCodec.SVC_AF, 7).u32(IpvsCodec.SVC_FWMARK, 1).endNested();
        assertThrows(MalformedMessageException.class, () -> IpvsCodec.decodeService(parse(badFamily)));
        MessageBuilder shortAddress = new MessageBuilder(0x22, 0, "reply").genl(1, 1);
        shortAddress.beginNested(IpvsCodec.ATTR_SERVICE).u16(IpvsCodec.SVC_AF, 2).u16(IpvsCodec.SVC_PROTOCOL, 6)
                .attr(IpvsCodec.SVC_ADDR, new byte[] {10, 0}).u16Be(IpvsCodec.SVC_PORT, 80, false).endNested();
        assertThrows(MalformedMessageException.class, () -> IpvsCodec.decodeService(parse(shortAddress)));
    }
}
