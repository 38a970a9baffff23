// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.internal;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.SetContents;
import dev.svcproxy.ipset.SetType;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** The nfnetlink ipset protocol ({@code <linux/netfilter/ipset/ip_set.h>}): requests and list replies. */
public final class IpsetCodec {
    static final int NFNL_SUBSYS_IPSET = 6;
    static final int PROTOCOL = 6;
    static final int CMD_PROTOCOL = 1;
    static final int CMD_CREATE = 2;
    static final int CMD_DESTROY = 3;
    static final int CMD_FLUSH = 4;
    static final int CMD_RENAME = 5;
    static final int CMD_SWAP = 6;
    static final int CMD_LIST = 7;
    static final int CMD_ADD = 9;
    static final int CMD_DEL = 10;
    static final int CMD_TEST = 11;
    static final int CMD_TYPE = 13;

    static final int ATTR_PROTOCOL = 1;
    static final int ATTR_SETNAME = 2;
    static final int ATTR_TYPENAME = 3;
    static final int ATTR_SETNAME2 = 3;
    static final int ATTR_REVISION = 4;
    static final int ATTR_FAMILY = 5;
    static final int ATTR_FLAGS = 6;
    static final int ATTR_DATA = 7;
    static final int ATTR_ADT = 8;

    static final int ATTR_IP = 1;
    static final int ATTR_CIDR = 3;
    static final int ATTR_PORT = 4;
    static final int ATTR_PORT_TO = 5;
    static final int ATTR_TIMEOUT = 6;
    static final int ATTR_PROTO = 7;
    static final int ATTR_CADT_FLAGS = 8;
    static final int ATTR_HASHSIZE = 18;
    static final int ATTR_MAXELEM = 19;
    static final int ATTR_SIZE = 23;
    static final int ATTR_REFERENCES = 25;
    static final int ATTR_NAME = 18;
    static final int ATTR_IP2 = 20;
    static final int ATTR_CIDR2 = 21;
    static final int ATTR_COMMENT = 26;
    static final int ATTR_IPADDR_IPV4 = 1;
    static final int ATTR_IPADDR_IPV6 = 2;

    static final int CADT_WITH_COUNTERS = 1 << 3;
    static final int CADT_WITH_COMMENT = 1 << 4;

    static final int ERR_EXIST = 4103;

    private IpsetCodec() {
    }

    static int nfproto(IpSet set) {
        return set.type().hasFamily() ? (set.family() == IpFamily.IPV4 ? 2 : 10) : 0;
    }

    static MessageBuilder message(int cmd, int flags, int family, String description) {
        return new MessageBuilder((NFNL_SUBSYS_IPSET << 8) | cmd, flags, description).nfgen(family, 0)
                .u8(ATTR_PROTOCOL, PROTOCOL);
    }

    /** Asks which revisions of a type the kernel has. */
    static MessageBuilder type(SetType type, int nfproto) {
        return message(CMD_TYPE, 0, nfproto, "ipset type " + type).string(ATTR_TYPENAME, type.typeName())
                .u8(ATTR_FAMILY, nfproto);
    }

    static MessageBuilder create(IpSet set, int revision) {
        int fam = nfproto(set);
        MessageBuilder m = message(CMD_CREATE, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, fam, "ipset create " + set.name())
                .string(ATTR_SETNAME, set.name()).string(ATTR_TYPENAME, set.type().typeName())
                .u8(ATTR_REVISION, revision).u8(ATTR_FAMILY, fam).beginNested(ATTR_DATA);
        if (set.hashSize() > 0) {
            m.u32Be(ATTR_HASHSIZE, set.hashSize(), true);
        }
        if (set.maxElem() > 0) {
            m.u32Be(ATTR_MAXELEM, set.maxElem(), true);
        }
        set.timeout().ifPresent(t -> m.u32Be(ATTR_TIMEOUT, t, true));
        if (set.type() == SetType.BITMAP_PORT) {
            m.u16Be(ATTR_PORT, set.portFrom(), true).u16Be(ATTR_PORT_TO, set.portTo(), true);
        }
        if (set.size() > 0) {
            m.u32Be(ATTR_SIZE, set.size(), true);
        }
        int cadt = (set.counters() ? CADT_WITH_COUNTERS : 0) | (set.comment() ? CADT_WITH_COMMENT : 0);
        if (cadt != 0) {
            m.u32Be(ATTR_CADT_FLAGS, cadt, true);
        }
        return m.endNested();
    }

    /** A command on one set; NLM_F_EXCL makes the kernel report a missing set (as the ipset tool does). */
    static MessageBuilder byName(int cmd, String name, String verb) {
        return message(cmd, Netlink.NLM_F_EXCL, 2, "ipset " + verb + " " + name).string(ATTR_SETNAME, name);
    }

    static MessageBuilder twoNames(int cmd, String a, String b, String verb) {
        return message(cmd, 0, 2, "ipset " + verb + " " + a + " " + b).string(ATTR_SETNAME, a).string(ATTR_SETNAME2, b);
    }

    static MessageBuilder list(Optional<String> name) {
        MessageBuilder m = message(CMD_LIST, Netlink.NLM_F_DUMP, 2, "ipset list " + name.orElse("(all)"));
        name.ifPresent(n -> m.string(ATTR_SETNAME, n));
        return m;
    }

    /** add / del / test of one entry; without NLM_F_EXCL the kernel ignores "already there" / "not there". */
    static MessageBuilder adt(int cmd, IpSet set, Entry e) {
        String verb = cmd == CMD_ADD ? "add" : cmd == CMD_DEL ? "del" : "test";
        MessageBuilder m = message(cmd, 0, nfproto(set), "ipset " + verb + " " + set.name() + " " + e)
                .string(ATTR_SETNAME, set.name());
        m.beginNested(ATTR_DATA);
        e.ip().ifPresent(ip -> address(m, ATTR_IP, ip));
        if (e.cidr() > 0) {
            m.u8(ATTR_CIDR, e.cidr());
        }
        if (e.port() != 0) {
            m.u16Be(ATTR_PORT, e.port(), true);
        }
        e.protocol().ifPresent(p -> m.u8(ATTR_PROTO, p.number()));
        e.ip2().ifPresent(ip -> address(m, ATTR_IP2, ip));
        if (e.cidr2() > 0) {
            m.u8(ATTR_CIDR2, e.cidr2());
        }
        e.member().ifPresent(n -> m.string(ATTR_NAME, n));
        e.timeout().ifPresent(t -> m.u32Be(ATTR_TIMEOUT, t, true));
        e.comment().ifPresent(c -> m.string(ATTR_COMMENT, c));
        return m.endNested();
    }

    private static void address(MessageBuilder m, int attr, IpAddress ip) {
        m.beginNested(attr);
        m.attr((ip.family() == IpFamily.IPV4 ? ATTR_IPADDR_IPV4 : ATTR_IPADDR_IPV6) | Netlink.NLA_F_NET_BYTEORDER, ip.bytes());
        m.endNested();
    }

    private static IpAddress address(Attributes nested) {
        return IpAddress.ofBytes(nested.has(ATTR_IPADDR_IPV4) ? nested.bytes(ATTR_IPADDR_IPV4) : nested.bytes(ATTR_IPADDR_IPV6));
    }

    /** The highest revision the kernel offers in a CMD_TYPE reply. */
    static int revision(NetlinkMessage reply) {
        return reply.attributes(4).u8(ATTR_REVISION);
    }

    /** Folds list replies (a large set spans several messages) into sets with members. */
    static List<SetContents> decodeList(List<NetlinkMessage> replies) {
        List<SetContents> out = new ArrayList<>();
        IpSet current = null;
        int refs = 0;
        List<Entry> entries = new ArrayList<>();
        for (NetlinkMessage msg : replies) {
            Attributes a = msg.attributes(4);
            String name = a.string(ATTR_SETNAME);
            if (current == null || !current.name().equals(name)) {
                if (current != null) {
                    out.add(new SetContents(current, refs, entries));
                }
                entries = new ArrayList<>();
                SetType type = SetType.parse(a.string(ATTR_TYPENAME));
                int fam = a.has(ATTR_FAMILY) ? a.u8(ATTR_FAMILY) : 2;
                Attributes d = a.nestedIfPresent(ATTR_DATA).orElseThrow(() ->
                        new dev.svcproxy.netlink.MalformedMessageException("ipset list reply without header data for " + name));
                long cadt = d.has(ATTR_CADT_FLAGS) ? d.u32Be(ATTR_CADT_FLAGS) : 0;
                current = new IpSet(name, type, fam == 10 ? IpFamily.IPV6 : IpFamily.IPV4,
                        d.has(ATTR_HASHSIZE) ? (int) d.u32Be(ATTR_HASHSIZE) : 0,
                        d.has(ATTR_MAXELEM) ? (int) d.u32Be(ATTR_MAXELEM) : 0,
                        d.has(ATTR_TIMEOUT) ? OptionalInt.of((int) d.u32Be(ATTR_TIMEOUT)) : OptionalInt.empty(),
                        (cadt & CADT_WITH_COMMENT) != 0, (cadt & CADT_WITH_COUNTERS) != 0,
                        d.has(ATTR_PORT) ? d.u16Be(ATTR_PORT) : 0, d.has(ATTR_PORT_TO) ? d.u16Be(ATTR_PORT_TO) : 0,
                        d.has(ATTR_SIZE) ? (int) d.u32Be(ATTR_SIZE) : 0);
                refs = d.has(ATTR_REFERENCES) ? (int) d.u32Be(ATTR_REFERENCES) : 0;
            }
            Optional<Attributes> adt = a.nestedIfPresent(ATTR_ADT);
            if (adt.isPresent()) {
                for (ByteBuffer item : adt.get().all(ATTR_DATA)) {
                    entries.add(entry(Attributes.parse(item)));
                }
            }
        }
        if (current != null) {
            out.add(new SetContents(current, refs, entries));
        }
        return out;
    }

    private static Entry entry(Attributes d) {
        Optional<Protocol> proto = Optional.empty();
        if (d.has(ATTR_PROTO)) {
            int n = d.u8(ATTR_PROTO);
            proto = java.util.Arrays.stream(Protocol.values()).filter(p -> p.number() == n).findFirst();
        }
        return new Entry(
                d.nestedIfPresent(ATTR_IP).map(IpsetCodec::address),
                d.has(ATTR_CIDR) ? d.u8(ATTR_CIDR) : -1,
                proto,
                d.has(ATTR_PORT) ? d.u16Be(ATTR_PORT) : 0,
                d.nestedIfPresent(ATTR_IP2).map(IpsetCodec::address),
                d.has(ATTR_CIDR2) ? d.u8(ATTR_CIDR2) : -1,
                d.has(ATTR_NAME) ? Optional.of(d.string(ATTR_NAME)) : Optional.empty(),
                d.has(ATTR_TIMEOUT) ? OptionalInt.of((int) d.u32Be(ATTR_TIMEOUT)) : OptionalInt.empty(),
                d.has(ATTR_COMMENT) ? Optional.of(d.string(ATTR_COMMENT)) : Optional.empty());
    }
}
