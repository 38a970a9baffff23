// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.internal;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.conntrack.ConntrackEntry;
import dev.svcproxy.conntrack.ConntrackFilter;
import dev.svcproxy.conntrack.TcpState;
import dev.svcproxy.conntrack.Tuple;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import java.util.Optional;

/**
 * The ctnetlink messages (linux/netfilter/nfnetlink_conntrack.h): requests built, replies decoded. Every integer
 * is in network byte order; attributes the decoder does not know are skipped.
 */
public final class CtnetlinkCodec {
    static final int SUBSYS_CTNETLINK = 1;
    static final int MSG_NEW = 0;
    static final int MSG_GET = 1;
    static final int MSG_DELETE = 2;
    static final int MSG_GET_STATS = 5;

    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_STATUS = 3;
    static final int CTA_PROTOINFO = 4;
    static final int CTA_TIMEOUT = 7;
    static final int CTA_MARK = 8;
    static final int CTA_ID = 12;
    static final int CTA_ZONE = 18;
    static final int CTA_MARK_MASK = 21;
    static final int CTA_FILTER = 25;
    static final int CTA_STATUS_MASK = 26;
    static final int CTA_FILTER_ORIG_FLAGS = 1;
    static final int CTA_FILTER_REPLY_FLAGS = 2;
    static final int FILTER_IP_SRC = 1;
    static final int FILTER_IP_DST = 1 << 1;
    static final int FILTER_PROTO_NUM = 1 << 3;
    static final int FILTER_SRC_PORT = 1 << 4;
    static final int FILTER_DST_PORT = 1 << 5;

    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;
    static final int CTA_PROTO_ICMP_ID = 4;
    static final int CTA_PROTO_ICMP_TYPE = 5;
    static final int CTA_PROTO_ICMP_CODE = 6;
    static final int CTA_PROTO_ICMPV6_ID = 7;
    static final int CTA_PROTO_ICMPV6_TYPE = 8;
    static final int CTA_PROTO_ICMPV6_CODE = 9;
    static final int CTA_PROTOINFO_TCP = 1;
    static final int CTA_PROTOINFO_TCP_STATE = 1;
    static final int CTA_STATS_GLOBAL_ENTRIES = 1;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private CtnetlinkCodec() {
    }

    static int af(IpFamily f) {
        return f == IpFamily.IPV4 ? AF_INET : AF_INET6;
    }

    private static MessageBuilder message(int msg, int flags, int family, String description) {
        return new MessageBuilder(SUBSYS_CTNETLINK << 8 | msg, flags, description).nfgen(family, 0);
    }

    /** Dumps the table, limited to {@code family}. */
    public static MessageBuilder dump(IpFamily family) {
        return message(MSG_GET, Netlink.NLM_F_DUMP, af(family), "conntrack -L -f " + familyWord(family));
    }

    /**
     * Dumps {@code family}'s entries, the kernel leaving out those that fail {@code filter}'s conditions it can check
     * (Linux 5.9's dump filter, as the conntrack tool's {@code -L} and {@code -D} with conditions ask): the protocol,
     * the ports of TCP, UDP and SCTP, single IPv4 addresses, the mark under its mask, the status bits. Address ranges,
     * IPv6 addresses (the filter's IPv6 test in nf_conntrack_netlink.c leaves out the equal ones), zones, TCP states
     * and predicates are left to {@link ConntrackFilter#matches}, which every entry dumped still meets or not; a kernel
     * that checks none of it dumps the whole family, as {@link #dump(IpFamily)} does.
     */
    public static MessageBuilder dump(IpFamily family, ConntrackFilter filter) {
        MessageBuilder m = message(MSG_GET, Netlink.NLM_F_DUMP, af(family), "conntrack -L -f " + familyWord(family) + " " + filter);
        int protocol = filter.protocol();
        boolean ports = protocol == Protocol.TCP.number() || protocol == Protocol.UDP.number() || protocol == Protocol.SCTP.number();
        int orig = filterFlags(family, filter.original(), ports);
        int reply = filterFlags(family, filter.reply(), ports);
        if (protocol >= 0) {
            orig |= FILTER_PROTO_NUM;
            reply |= reply != 0 ? FILTER_PROTO_NUM : 0;
        }
        if (orig != 0) {
            filterTuple(m, CTA_TUPLE_ORIG, filter.original(), protocol, orig);
        }
        if (reply != 0) {
            filterTuple(m, CTA_TUPLE_REPLY, filter.reply(), protocol, reply);
        }
        if (orig != 0 || reply != 0) {
            m.beginNested(CTA_FILTER).u32(CTA_FILTER_ORIG_FLAGS, orig).u32(CTA_FILTER_REPLY_FLAGS, reply).endNested();
        }
        if (filter.markMask() != 0) {
            m.u32Be(CTA_MARK, filter.mark(), false).u32Be(CTA_MARK_MASK, filter.markMask(), false);
        }
        if (filter.status() != 0) {
            m.u32Be(CTA_STATUS, filter.status(), false).u32Be(CTA_STATUS_MASK, filter.status(), false);
        }
        return m;
    }

    /** The dump filter's flags for one tuple's conditions, without the protocol's. */
    private static int filterFlags(IpFamily family, ConntrackFilter.TupleCondition c, boolean ports) {
        int flags = 0;
        if (family == IpFamily.IPV4 && c.src().filter(Cidr::isSingleAddress).isPresent()) {
            flags |= FILTER_IP_SRC;
        }
        if (family == IpFamily.IPV4 && c.dst().filter(Cidr::isSingleAddress).isPresent()) {
            flags |= FILTER_IP_DST;
        }
        if (ports && c.srcPort() >= 0) {
            flags |= FILTER_SRC_PORT;
        }
        if (ports && c.dstPort() >= 0) {
            flags |= FILTER_DST_PORT;
        }
        return flags;
    }

    /** One tuple of the dump filter: the attributes its {@code flags} name, and no others. */
    private static void filterTuple(MessageBuilder m, int type, ConntrackFilter.TupleCondition c, int protocol, int flags) {
        m.beginNested(type);
        if ((flags & (FILTER_IP_SRC | FILTER_IP_DST)) != 0) {
            m.beginNested(CTA_TUPLE_IP);
            if ((flags & FILTER_IP_SRC) != 0) {
                m.attr(CTA_IP_V4_SRC, c.src().orElseThrow().network().bytes());
            }
            if ((flags & FILTER_IP_DST) != 0) {
                m.attr(CTA_IP_V4_DST, c.dst().orElseThrow().network().bytes());
            }
            m.endNested();
        }
        if ((flags & FILTER_PROTO_NUM) != 0) {
            m.beginNested(CTA_TUPLE_PROTO).u8(CTA_PROTO_NUM, protocol);
            if ((flags & FILTER_SRC_PORT) != 0) {
                m.u16Be(CTA_PROTO_SRC_PORT, c.srcPort(), false);
            }
            if ((flags & FILTER_DST_PORT) != 0) {
                m.u16Be(CTA_PROTO_DST_PORT, c.dstPort(), false);
            }
            m.endNested();
        }
        m.endNested();
    }

    /** Asks for the global counters (the number of entries). */
    public static MessageBuilder stats() {
        return message(MSG_GET_STATS, 0, AF_UNSPEC, "conntrack -C");
    }

    /** Creates {@code e} (CTA_STATUS, CTA_ID and NAT bits are the kernel's to set). */
    public static MessageBuilder create(ConntrackEntry e) {
        MessageBuilder m = message(MSG_NEW, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, af(e.family()), "conntrack -I " + e);
        tuple(m, CTA_TUPLE_ORIG, e.original());
        tuple(m, CTA_TUPLE_REPLY, e.reply());
        m.u32Be(CTA_TIMEOUT, e.timeoutSeconds(), false);
        if (e.mark() != 0) {
            m.u32Be(CTA_MARK, e.mark(), false);
        }
        zone(m, e.zone());
        e.tcpState().ifPresent(s -> m.beginNested(CTA_PROTOINFO).beginNested(CTA_PROTOINFO_TCP)
                .u8(CTA_PROTOINFO_TCP_STATE, s.ordinal()).endNested().endNested());
        return m;
    }

    /** Deletes the entry with {@code e}'s zone and original tuple (and id, when it has one). */
    public static MessageBuilder delete(ConntrackEntry e) {
        MessageBuilder m = message(MSG_DELETE, 0, af(e.family()), "conntrack -D " + e);
        tuple(m, CTA_TUPLE_ORIG, e.original());
        zone(m, e.zone());
        if (e.id() != 0) {
            m.u32Be(CTA_ID, e.id(), false);
        }
        return m;
    }

    /**
     * Deletes every entry of {@code family}. The kernel honours the family of a flush only when the nfgenmsg
     * version is 1 (NFNETLINK_V1); with version 0 it flushes every family.
     */
    public static MessageBuilder flush(IpFamily family) {
        return new MessageBuilder(SUBSYS_CTNETLINK << 8 | MSG_DELETE, 0, "conntrack -F -f " + familyWord(family))
                .header(new byte[] {(byte) af(family), 1, 0, 0});
    }

    private static String familyWord(IpFamily f) {
        return f == IpFamily.IPV4 ? "ipv4" : "ipv6";
    }

    private static void zone(MessageBuilder m, int zone) {
        if (zone != 0) {
            m.u16Be(CTA_ZONE, zone, false);
        }
    }

    static void tuple(MessageBuilder m, int type, Tuple t) {
        boolean v4 = t.family() == IpFamily.IPV4;
        m.beginNested(type).beginNested(CTA_TUPLE_IP)
                .attr(v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, t.src().bytes())
                .attr(v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, t.dst().bytes())
                .endNested();
        m.beginNested(CTA_TUPLE_PROTO).u8(CTA_PROTO_NUM, t.protocol());
        if (t.icmp().isPresent()) {
            Tuple.Icmp i = t.icmp().get();
            int base = t.protocol() == Tuple.ICMP ? CTA_PROTO_ICMP_ID : CTA_PROTO_ICMPV6_ID;
            m.u16Be(base, i.id(), false).u8(base + 1, i.type()).u8(base + 2, i.code());
        } else if (t.srcPort() != 0 || t.dstPort() != 0) {
            m.u16Be(CTA_PROTO_SRC_PORT, t.srcPort(), false).u16Be(CTA_PROTO_DST_PORT, t.dstPort(), false);
        }
        m.endNested().endNested();
    }

    /** The entry in a ctnetlink NEW/GET reply message. */
    public static ConntrackEntry decode(NetlinkMessage msg) {
        Attributes a = msg.attributes(4);
        Tuple orig = tuple(a.nested(CTA_TUPLE_ORIG));
        Tuple reply = tuple(a.nested(CTA_TUPLE_REPLY));
        Optional<TcpState> state = a.nestedIfPresent(CTA_PROTOINFO)
                .flatMap(p -> p.nestedIfPresent(CTA_PROTOINFO_TCP))
                .filter(t -> t.has(CTA_PROTOINFO_TCP_STATE))
                .map(t -> TcpState.of(t.u8(CTA_PROTOINFO_TCP_STATE)));
        return new ConntrackEntry(orig, reply, optU32(a, CTA_STATUS), optU32(a, CTA_TIMEOUT), optU32(a, CTA_MARK),
                a.has(CTA_ZONE) ? a.u16Be(CTA_ZONE) : 0, optU32(a, CTA_ID), state);
    }

    private static long optU32(Attributes a, int type) {
        return a.has(type) ? a.u32Be(type) : 0;
    }

    static Tuple tuple(Attributes t) {
        Attributes ip = t.nested(CTA_TUPLE_IP);
        boolean v4 = ip.has(CTA_IP_V4_SRC);
        IpAddress src = address(ip, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, v4 ? 4 : 16);
        IpAddress dst = address(ip, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, v4 ? 4 : 16);
        Attributes p = t.nested(CTA_TUPLE_PROTO);
        int proto = p.u8(CTA_PROTO_NUM);
        if (proto == Tuple.ICMP || proto == Tuple.ICMPV6) {
            int base = proto == Tuple.ICMP ? CTA_PROTO_ICMP_ID : CTA_PROTO_ICMPV6_ID;
            return new Tuple(src, dst, proto, 0, 0, Optional.of(new Tuple.Icmp(p.u8(base + 1), p.u8(base + 2),
                    p.has(base) ? p.u16Be(base) : 0)));
        }
        return new Tuple(src, dst, proto, p.has(CTA_PROTO_SRC_PORT) ? p.u16Be(CTA_PROTO_SRC_PORT) : 0,
                p.has(CTA_PROTO_DST_PORT) ? p.u16Be(CTA_PROTO_DST_PORT) : 0, Optional.empty());
    }

    private static IpAddress address(Attributes ip, int type, int length) {
        byte[] b = ip.bytes(type);
        if (b.length != length) {
            throw new MalformedMessageException("address attribute " + type + " has " + b.length + " bytes, expected " + length);
        }
        return IpAddress.ofBytes(b);
    }

    /** The entry count in a GET_STATS reply. */
    public static long decodeCount(NetlinkMessage msg) {
        return msg.attributes(4).u32Be(CTA_STATS_GLOBAL_ENTRIES);
    }
}
