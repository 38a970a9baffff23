// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.Objects;
import java.util.Optional;

/**
 * One direction of a connection as conntrack sees it: addresses, layer-4 protocol number and ports (TCP, UDP,
 * SCTP, UDP-Lite, DCCP) or, for ICMP and ICMPv6, the type, code and id in {@link #icmp()}.
 */
public record Tuple(IpAddress src, IpAddress dst, int protocol, int srcPort, int dstPort, Optional<Icmp> icmp) {
    /** ICMP's protocol number. */
    public static final int ICMP = 1;
    /** ICMPv6's protocol number. */
    public static final int ICMPV6 = 58;

    /** The ICMP part of a tuple: type, code and (echo) id. */
    public record Icmp(int type, int code, int id) {
        /**
         * The ICMP part.
         *
         * @param type 0-255
         * @param code 0-255
         * @param id 0-65535 (the echo id)
         * @throws dev.svcproxy.api.InvalidInputException for a value out of range
         */
        public Icmp {
            if (type < 0 || type > 255 || code < 0 || code > 255 || id < 0 || id > 65535) {
                throw new InvalidInputException("ICMP type and code must be 0-255 and id 0-65535",
                        "type " + type + " code " + code + " id " + id);
            }
        }
    }

    /**
     * A tuple.
     *
     * @param src the source address
     * @param dst the destination address, of the same family
     * @param protocol the layer-4 protocol number
     * @param srcPort the source port (0 for ICMP)
     * @param dstPort the destination port (0 for ICMP)
     * @param icmp the ICMP part, for ICMP and ICMPv6 only
     * @throws dev.svcproxy.api.InvalidInputException for mixed families or parts that do not fit the protocol
     */
    public Tuple {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(icmp, "icmp");
        if (src.family() != dst.family()) {
            throw new InvalidInputException("source and destination are of different families", src + " -> " + dst);
        }
        if (protocol < 0 || protocol > 255) {
            throw new InvalidInputException("protocol number must be 0-255", String.valueOf(protocol));
        }
        if (srcPort < 0 || srcPort > 65535 || dstPort < 0 || dstPort > 65535) {
            throw new InvalidInputException("ports must be 0-65535", srcPort + " -> " + dstPort);
        }
        if (icmp.isPresent() != isIcmp(protocol)) {
            throw new InvalidInputException("ICMP type/code/id go with protocol icmp/ipv6-icmp only", "protocol " + protocol);
        }
    }

    /**
     * A TCP, UDP or SCTP tuple.
     *
     * @param protocol TCP, UDP or SCTP
     * @param src the source address
     * @param srcPort the source port
     * @param dst the destination address
     * @param dstPort the destination port
     * @return the tuple
     */
    public static Tuple of(Protocol protocol, IpAddress src, int srcPort, IpAddress dst, int dstPort) {
        return new Tuple(src, dst, protocol.number(), srcPort, dstPort, Optional.empty());
    }

    /**
     * An ICMP (IPv4) or ICMPv6 (IPv6) tuple.
     *
     * @param src the source address
     * @param dst the destination address
     * @param type the ICMP type
     * @param code the ICMP code
     * @param id the echo id
     * @return the tuple
     */
    public static Tuple icmp(IpAddress src, IpAddress dst, int type, int code, int id) {
        return new Tuple(src, dst, src.family() == IpFamily.IPV4 ? ICMP : ICMPV6, 0, 0, Optional.of(new Icmp(type, code, id)));
    }

    static boolean isIcmp(int protocol) {
        return protocol == ICMP || protocol == ICMPV6;
    }

    /**
     * The family of its addresses.
     *
     * @return IPv4 or IPv6
     */
    public IpFamily family() {
        return src.family();
    }

    /**
     * TCP, UDP or SCTP, if the tuple is of one of those.
     *
     * @return the protocol, if a service protocol
     */
    public Optional<Protocol> l4() {
        for (Protocol p : Protocol.values()) {
            if (p.number() == protocol) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The tuple of the other direction of an un-NATed connection (an ICMP echo request becomes its reply).
     *
     * @return the reverse tuple
     */
    public Tuple inverse() {
        return new Tuple(dst, src, protocol, dstPort, srcPort, icmp.map(i -> new Icmp(replyType(i.type()), i.code(), i.id())));
    }

    private int replyType(int type) {
        return switch (type) {
            case 8 -> protocol == ICMP ? 0 : type; // echo request -> echo reply
            case 13 -> protocol == ICMP ? 14 : type; // timestamp
            case 128 -> protocol == ICMPV6 ? 129 : type; // ICMPv6 echo
            default -> type;
        };
    }

    /**
     * Protocol name as conntrack prints it.
     *
     * @return e.g. {@code tcp}, {@code icmp}
     */
    public String protocolName() {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            case 136 -> "udplite";
            case 33 -> "dccp";
            case ICMP -> "icmp";
            case ICMPV6 -> "icmpv6";
            default -> "unknown";
        };
    }

    /** {@code src=10.0.0.1 dst=10.96.0.10 sport=40001 dport=53}, or {@code ... type=8 code=0 id=7} for ICMP. */
    @Override
    public String toString() {
        String l4 = icmp.map(i -> "type=" + i.type() + " code=" + i.code() + " id=" + i.id())
                .orElse("sport=" + srcPort + " dport=" + dstPort);
        return "src=" + src + " dst=" + dst + " " + l4;
    }
}
