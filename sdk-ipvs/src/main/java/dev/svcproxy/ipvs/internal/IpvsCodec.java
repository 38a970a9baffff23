// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.internal;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.ForwardingMethod;
import dev.svcproxy.ipvs.IpvsInfo;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ObservedService;
import dev.svcproxy.ipvs.ServiceFlag;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Stats;
import dev.svcproxy.ipvs.Timeouts;
import dev.svcproxy.ipvs.Tunnel;
import dev.svcproxy.ipvs.VirtualServer;
import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.netlink.NetlinkMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The IPVS generic netlink messages (linux/ip_vs.h): requests built for a family id, replies decoded. Ports are
 * big endian, everything else host order; a v4 persistence netmask travels as a big-endian mask, a v6 one as a
 * prefix length. Attributes the decoder does not know are skipped.
 */
public final class IpvsCodec {
    static final int VERSION = 1;
    static final int CMD_NEW_SERVICE = 1;
    static final int CMD_SET_SERVICE = 2;
    static final int CMD_DEL_SERVICE = 3;
    static final int CMD_GET_SERVICE = 4;
    static final int CMD_NEW_DEST = 5;
    static final int CMD_SET_DEST = 6;
    static final int CMD_DEL_DEST = 7;
    static final int CMD_GET_DEST = 8;
    static final int CMD_SET_CONFIG = 12;
    static final int CMD_GET_CONFIG = 13;
    static final int CMD_GET_INFO = 15;
    static final int CMD_FLUSH = 17;

    static final int ATTR_SERVICE = 1;
    static final int ATTR_DEST = 2;
    static final int ATTR_TIMEOUT_TCP = 4;
    static final int ATTR_TIMEOUT_TCP_FIN = 5;
    static final int ATTR_TIMEOUT_UDP = 6;

    static final int SVC_AF = 1;
    static final int SVC_PROTOCOL = 2;
    static final int SVC_ADDR = 3;
    static final int SVC_PORT = 4;
    static final int SVC_FWMARK = 5;
    static final int SVC_SCHED_NAME = 6;
    static final int SVC_FLAGS = 7;
    static final int SVC_TIMEOUT = 8;
    static final int SVC_NETMASK = 9;
    static final int SVC_STATS = 10;
    static final int SVC_STATS64 = 12;

    static final int DEST_ADDR = 1;
    static final int DEST_PORT = 2;
    static final int DEST_FWD_METHOD = 3;
    static final int DEST_WEIGHT = 4;
    static final int DEST_U_THRESH = 5;
    static final int DEST_L_THRESH = 6;
    static final int DEST_ACTIVE_CONNS = 7;
    static final int DEST_INACT_CONNS = 8;
    static final int DEST_PERSIST_CONNS = 9;
    static final int DEST_STATS = 10;
    static final int DEST_ADDR_FAMILY = 11;
    static final int DEST_STATS64 = 12;
    static final int DEST_TUN_TYPE = 13;
    static final int DEST_TUN_PORT = 14;
    static final int DEST_TUN_FLAGS = 15;

    static final int INFO_VERSION = 1;
    static final int INFO_CONN_TAB_SIZE = 2;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int F_PERSISTENT = 0x1;

    private final int familyId;

    public IpvsCodec(int familyId) {
        this.familyId = familyId;
    }

    private MessageBuilder message(int cmd, int flags, String description) {
        return new MessageBuilder(familyId, flags, description).genl(cmd, VERSION);
    }

    static int af(IpFamily f) {
        return f == IpFamily.IPV4 ? AF_INET : AF_INET6;
    }

    private static byte[] address16(IpAddress a) {
        return Arrays.copyOf(a.bytes(), 16);
    }

    /** The attributes that identify a service (inside an open IPVS_CMD_ATTR_SERVICE). */
    static void key(MessageBuilder m, ServiceKey k) {
        m.u16(SVC_AF, af(k.family()));
        if (k.isFwmark()) {
            m.u32(SVC_FWMARK, k.fwmark());
        } else {
            m.u16(SVC_PROTOCOL, k.protocol().orElseThrow().number())
                    .attr(SVC_ADDR, address16(k.address().orElseThrow()))
                    .u16Be(SVC_PORT, k.port(), false);
        }
    }

    private static void fullService(MessageBuilder m, VirtualServer s) {
        m.beginNested(ATTR_SERVICE);
        key(m, s.key());
        int flags = ServiceFlag.bits(s.flags()) | (s.isPersistent() ? F_PERSISTENT : 0);
        m.string(SVC_SCHED_NAME, s.scheduler())
                .attr(SVC_FLAGS, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(flags).putInt(-1).array())
                .u32(SVC_TIMEOUT, s.persistenceTimeout());
        if (s.key().family() == IpFamily.IPV4) {
            long mask = s.persistenceNetmask() == 0 ? 0 : 0xffffffffL << (32 - s.persistenceNetmask()) & 0xffffffffL;
            m.u32Be(SVC_NETMASK, mask, false);
        } else {
            m.u32(SVC_NETMASK, s.persistenceNetmask());
        }
        m.endNested();
    }

    private static void serviceKeyOnly(MessageBuilder m, ServiceKey k) {
        m.beginNested(ATTR_SERVICE);
        key(m, k);
        m.endNested();
    }

    private static void dest(MessageBuilder m, ServiceKey k, Destination d, boolean full) {
        m.beginNested(ATTR_DEST).attr(DEST_ADDR, address16(d.address())).u16Be(DEST_PORT, d.port(), false)
                .u16(DEST_ADDR_FAMILY, af(d.address().family()));
        if (full) {
            m.u32(DEST_FWD_METHOD, d.forwarding().code()).u32(DEST_WEIGHT, d.weight())
                    .u32(DEST_U_THRESH, d.upperThreshold()).u32(DEST_L_THRESH, d.lowerThreshold());
            d.tunnel().ifPresent(t -> {
                m.u8(DEST_TUN_TYPE, t.type().ordinal()).u16(DEST_TUN_FLAGS, t.flagBits());
                if (t.type() == Tunnel.Type.GUE) {
                    m.u16Be(DEST_TUN_PORT, t.port(), false);
                }
            });
        }
        m.endNested();
    }

    /** The netlink message for one change. */
    public MessageBuilder encode(IpvsOp op) {
        String what = "ipvsadm " + op;
        if (op instanceof IpvsOp.AddService a) {
            MessageBuilder m = message(CMD_NEW_SERVICE, 0, what);
            fullService(m, a.service());
            return m;
        }
        if (op instanceof IpvsOp.EditService e) {
            MessageBuilder m = message(CMD_SET_SERVICE, 0, what);
            fullService(m, e.service());
            return m;
        }
        if (op instanceof IpvsOp.DeleteService d) {
            MessageBuilder m = message(CMD_DEL_SERVICE, 0, what);
            serviceKeyOnly(m, d.key());
            return m;
        }
        ServiceKey key;
        Destination dest;
        int cmd;
        if (op instanceof IpvsOp.AddDestination a) {
            key = a.key();
            dest = a.destination();
            cmd = CMD_NEW_DEST;
        } else if (op instanceof IpvsOp.EditDestination e) {
            key = e.key();
            dest = e.destination();
            cmd = CMD_SET_DEST;
        } else {
            IpvsOp.DeleteDestination d = (IpvsOp.DeleteDestination) op;
            key = d.key();
            dest = d.destination();
            cmd = CMD_DEL_DEST;
        }
        MessageBuilder m = message(cmd, 0, what);
        serviceKeyOnly(m, key);
        dest(m, key, dest, cmd != CMD_DEL_DEST);
        return m;
    }

    public MessageBuilder dumpServices() {
        return message(CMD_GET_SERVICE, Netlink.NLM_F_DUMP, "ipvsadm -L -n");
    }

    public MessageBuilder getService(ServiceKey k) {
        MessageBuilder m = message(CMD_GET_SERVICE, 0, "ipvsadm -L -n " + k);
        serviceKeyOnly(m, k);
        return m;
    }

    public MessageBuilder dumpDestinations(ServiceKey k) {
        MessageBuilder m = message(CMD_GET_DEST, Netlink.NLM_F_DUMP, "ipvsadm -L -n " + k + " (real servers)");
        serviceKeyOnly(m, k);
        return m;
    }

    public MessageBuilder info() {
        return message(CMD_GET_INFO, 0, "ipvsadm --version");
    }

    public MessageBuilder getConfig() {
        return message(CMD_GET_CONFIG, 0, "ipvsadm -L --timeout");
    }

    public MessageBuilder setConfig(Timeouts t) {
        MessageBuilder m = message(CMD_SET_CONFIG, 0, "ipvsadm --set " + t.tcp() + " " + t.tcpFin() + " " + t.udp());
        return m.u32(ATTR_TIMEOUT_TCP, t.tcp()).u32(ATTR_TIMEOUT_TCP_FIN, t.tcpFin()).u32(ATTR_TIMEOUT_UDP, t.udp());
    }

    public MessageBuilder flush() {
        return message(CMD_FLUSH, 0, "ipvsadm -C");
    }

    private static IpFamily family(int af) {
        return switch (af) {
            case AF_INET -> IpFamily.IPV4;
            case AF_INET6 -> IpFamily.IPV6;
            default -> throw new MalformedMessageException("unknown address family " + af);
        };
    }

    private static IpAddress address(Attributes a, int type, IpFamily f) {
        byte[] b = a.bytes(type);
        int len = f == IpFamily.IPV4 ? 4 : 16;
        if (b.length < len) {
            throw new MalformedMessageException("address attribute " + type + " has " + b.length + " bytes, expected " + len);
        }
        return IpAddress.ofBytes(Arrays.copyOf(b, len));
    }

    /** A service from a GET_SERVICE reply. */
    public static ObservedService decodeService(NetlinkMessage msg) {
        Attributes s = msg.attributes(4).nested(ATTR_SERVICE);
        IpFamily f = family(s.u16(SVC_AF));
        ServiceKey key;
        if (s.has(SVC_FWMARK) && s.u32(SVC_FWMARK) != 0) {
            key = ServiceKey.fwmark(f, s.u32(SVC_FWMARK));
        } else {
            key = ServiceKey.of(protocol(s.u16(SVC_PROTOCOL)), address(s, SVC_ADDR, f), s.u16Be(SVC_PORT));
        }
        String sched = s.string(SVC_SCHED_NAME);
        long flags = s.bytes(SVC_FLAGS).length >= 4 ? s.get(SVC_FLAGS).orElseThrow().getInt(0) & 0xffffffffL : 0;
        boolean persistent = (flags & F_PERSISTENT) != 0;
        int netmask = f == IpFamily.IPV4 ? Long.bitCount(s.u32Be(SVC_NETMASK)) : (int) s.u32(SVC_NETMASK);
        VirtualServer vs = new VirtualServer(key, sched, ServiceFlag.decode(flags, sched),
                persistent ? s.u32(SVC_TIMEOUT) : 0, netmask == 0 ? f.bits() : netmask);
        return new ObservedService(vs, stats(s, SVC_STATS64, SVC_STATS));
    }

    private static Protocol protocol(int number) {
        for (Protocol p : Protocol.values()) {
            if (p.number() == number) {
                return p;
            }
        }
        throw new MalformedMessageException("virtual service of unknown protocol " + number);
    }

    /** A real server of {@code key} from a GET_DEST reply. */
    public static ObservedDestination decodeDestination(NetlinkMessage msg, ServiceKey key) {
        Attributes d = msg.attributes(4).nested(ATTR_DEST);
        IpFamily f = d.has(DEST_ADDR_FAMILY) ? family(d.u16(DEST_ADDR_FAMILY)) : key.family();
        ForwardingMethod fwd = ForwardingMethod.of(d.u32(DEST_FWD_METHOD));
        Optional<Tunnel> tunnel = Optional.empty();
        if (fwd == ForwardingMethod.TUNNEL) {
            Tunnel.Type type = d.has(DEST_TUN_TYPE) ? Tunnel.Type.values()[Math.min(d.u8(DEST_TUN_TYPE), 2)] : Tunnel.Type.IPIP;
            int port = type == Tunnel.Type.GUE && d.has(DEST_TUN_PORT) ? d.u16Be(DEST_TUN_PORT) : 0;
            Tunnel.Checksum csum = type != Tunnel.Type.IPIP && d.has(DEST_TUN_FLAGS)
                    ? Tunnel.checksumOf(d.u16(DEST_TUN_FLAGS)) : Tunnel.Checksum.NOCSUM;
            tunnel = Optional.of(new Tunnel(type, port, csum));
        }
        Destination dest = new Destination(address(d, DEST_ADDR, f), d.u16Be(DEST_PORT), fwd, (int) d.u32(DEST_WEIGHT),
                d.u32(DEST_U_THRESH), d.u32(DEST_L_THRESH), tunnel);
        return new ObservedDestination(dest, opt(d, DEST_ACTIVE_CONNS), opt(d, DEST_INACT_CONNS), opt(d, DEST_PERSIST_CONNS),
                stats(d, DEST_STATS64, DEST_STATS));
    }

    private static long opt(Attributes a, int type) {
        return a.has(type) ? a.u32(type) : 0;
    }

    /** Counters from the 64-bit stats when the kernel sends them, else from the 32/64-bit mixed ones. */
    static Stats stats(Attributes parent, int stats64, int stats32) {
        Optional<Attributes> s = parent.nestedIfPresent(stats64).or(() -> parent.nestedIfPresent(stats32));
        if (s.isEmpty()) {
            return Stats.ZERO;
        }
        Attributes a = s.get();
        long[] v = new long[11];
        for (int t = 1; t <= 10; t++) {
            v[t] = a.get(t).map(b -> b.remaining() >= 8 ? b.getLong(0) : b.remaining() >= 4 ? b.getInt(0) & 0xffffffffL : 0L)
                    .orElse(0L);
        }
        return new Stats(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }

    public static IpvsInfo decodeInfo(NetlinkMessage msg) {
        Attributes a = msg.attributes(4);
        return new IpvsInfo((int) a.u32(INFO_VERSION), a.has(INFO_CONN_TAB_SIZE) ? a.u32(INFO_CONN_TAB_SIZE) : 0);
    }

    public static Timeouts decodeTimeouts(NetlinkMessage msg) {
        Attributes a = msg.attributes(4);
        return new Timeouts((int) opt(a, ATTR_TIMEOUT_TCP), (int) opt(a, ATTR_TIMEOUT_TCP_FIN), (int) opt(a, ATTR_TIMEOUT_UDP));
    }
}
