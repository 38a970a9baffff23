// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Target;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * iptables rules as IPv4 x_tables entries ({@code struct ipt_entry}, its matches and its target), byte for byte as
 * iptables-legacy 1.8 builds them: addresses, interfaces and the protocol in the entry's {@code ipt_ip}; the modules
 * {@code tcp}/{@code udp} (ports and ranges), {@code comment}, {@code statistic} (random), {@code addrtype} (revision
 * 1) and {@code mark} (revision 1) in command-line order; the targets jump, goto, {@code ACCEPT}, {@code DROP},
 * {@code RETURN}, {@code DNAT} (revision 2), {@code MARK} (revision 2) and {@code MASQUERADE}. Anything else has no
 * encoding here ({@link #rule} is empty). Checked against the kernel's copy of the tool's own entries
 * ({@code KernelLegacyNatWriterTest}).
 */
final class IptEntries {
    /** {@code sizeof(struct ipt_entry)}: the entry's header, before its matches. */
    static final int HEADER = 112;
    private static final int TARGET_OFFSET_AT = 88;
    static final int NEXT_OFFSET_AT = 90;
    /** The standard target's verdicts ({@code -NF_ACCEPT - 1} ...; {@code XT_RETURN}). */
    static final int ACCEPT = -2;
    static final int DROP = -1;
    static final int RETURN = -5;
    /** A target's header: {@code u16 size, char name[29], u8 revision}; a match's is the same. */
    private static final int XT_HEADER = 32;
    private static final int ERROR_TARGET = XT_HEADER + 32;
    private static final byte IPT_F_GOTO = 0x02;
    private static final byte INV_VIA_IN = 0x01;
    private static final byte INV_VIA_OUT = 0x02;
    private static final byte INV_SRCIP = 0x08;
    private static final byte INV_DSTIP = 0x10;
    private static final byte INV_PROTO = 0x40;

    private IptEntries() {
    }

    /** Where a standard target goes: a user chain (by name), or the next entry (a rule without a target). */
    record Jump(String chain, boolean next) {
    }

    /** An encoded rule: the entry, and where its standard target goes if it jumps (the verdict is written at layout). */
    record Encoded(byte[] bytes, Optional<Jump> jump) {
    }

    /** {@code rule} as an IPv4 entry; empty if it holds anything this class does not encode. */
    static Optional<Encoded> rule(Rule rule) {
        ByteBuffer ip = le(84); // struct ipt_ip
        byte flags = 0;
        byte inv = 0;
        ByteArrayOutputStream matches = new ByteArrayOutputStream();
        List<Match> mods = rule.matches();
        int portOptions = 0;
        int portsTaken = 0;
        for (int i = 0; i < mods.size(); i++) {
            Match x = mods.get(i);
            if (x instanceof Match.Address a) {
                Cidr c = a.cidr();
                if (c.family() != IpFamily.IPV4 || c.prefixLength() == 0) {
                    return Optional.empty(); // a /0 the tool leaves out
                }
                boolean src = a.direction() == Match.Direction.SOURCE;
                byte[] mask = ByteBuffer.allocate(4).putInt((int) (0xffffffffL << (32 - c.prefixLength()))).array();
                byte[] net = c.network().bytes();
                for (int b = 0; b < 4; b++) {
                    net[b] &= mask[b];
                }
                ip.put(src ? 0 : 4, net, 0, 4).put(src ? 8 : 12, mask, 0, 4);
                inv |= a.negated() ? (src ? INV_SRCIP : INV_DSTIP) : 0;
            } else if (x instanceof Match.Interface f) {
                boolean in = f.direction() == Match.Direction.SOURCE;
                byte[] name = f.name().getBytes(StandardCharsets.US_ASCII);
                ip.put(in ? 16 : 32, name, 0, name.length);
                int masked = f.name().endsWith("+") ? name.length - 1 : name.length + 1;
                for (int b = 0; b < masked; b++) {
                    ip.put((in ? 48 : 64) + b, (byte) 0xff);
                }
                inv |= f.negated() ? (in ? INV_VIA_IN : INV_VIA_OUT) : 0;
            } else if (x instanceof Match.Proto p) {
                ip.putShort(80, (short) p.protocol().number());
                inv |= p.negated() ? INV_PROTO : 0;
                if (p.withModule() && !module(matches, p.protocol(), mods, i)) {
                    return Optional.empty();
                }
                portsTaken += p.withModule() ? XtStructs.portsAfter(mods, i).size() : 0;
            } else if (x instanceof Match.ProtoModule pm) {
                if (!module(matches, pm.protocol(), mods, i)) {
                    return Optional.empty();
                }
                portsTaken += XtStructs.portsAfter(mods, i).size();
            } else if (x instanceof Match.Ports) {
                portOptions++;
            } else if (x instanceof Match.Comment c) {
                if (c.text().getBytes(StandardCharsets.UTF_8).length > 255) {
                    return Optional.empty();
                }
                match(matches, "comment", 0, XtStructs.comment(c));
            } else if (x instanceof Match.Statistic s) {
                if (!s.isRandom()) {
                    return Optional.empty();
                }
                match(matches, "statistic", 0, XtStructs.randomStatistic(s));
            } else if (x instanceof Match.AddrTypes t) {
                match(matches, "addrtype", 1, XtStructs.addrtype(t));
            } else if (x instanceof Match.Mark m) {
                match(matches, "mark", 1, XtStructs.mark(m));
            } else {
                return Optional.empty();
            }
        }
        if (portOptions != portsTaken) {
            return Optional.empty(); // a port option with no module before it: the tool loads one itself
        }
        if (rule.target().isEmpty()) { // libiptc's fall-through: a jump to the next entry
            ip.put(82, flags).put(83, inv);
            return Optional.of(new Encoded(entry(ip.array(), matches.toByteArray(), standardTarget(0)), Optional.of(new Jump(null, true))));
        }
        Target t = rule.target().get();
        int proto = ip.getShort(80);
        boolean ported = proto == 6 || proto == 17 || proto == 132 || proto == 33;
        if ((t instanceof Target.Dnat d && d.port() != 0 || t instanceof Target.Masquerade m && m.portFrom() != 0)
                && (!ported || (inv & INV_PROTO) != 0)) {
            return Optional.empty(); // the tool refuses a port without TCP, UDP, SCTP or DCCP: its error, then
        }
        Optional<Jump> jump = Optional.empty();
        byte[] target;
        if (t instanceof Target.Jump j) {
            jump = Optional.of(new Jump(j.target().name(), false));
            target = standardTarget(0);
        } else if (t instanceof Target.Goto g) {
            jump = Optional.of(new Jump(g.target().name(), false));
            flags |= IPT_F_GOTO;
            target = standardTarget(0);
        } else if (t instanceof Target.Verdict v) {
            target = standardTarget(v == Target.Verdict.ACCEPT ? ACCEPT : v == Target.Verdict.DROP ? DROP : RETURN);
        } else if (t instanceof Target.Dnat d) {
            if (d.address().family() != IpFamily.IPV4) {
                return Optional.empty();
            }
            target = xt("DNAT", 2, XtStructs.dnat(d));
        } else if (t instanceof Target.MarkTarget mark) {
            target = xt("MARK", 2, XtStructs.markTarget(mark));
        } else if (t instanceof Target.Masquerade m) {
            target = xt("MASQUERADE", 0, XtStructs.masquerade(m));
        } else {
            return Optional.empty();
        }
        ip.put(82, flags).put(83, inv);
        return Optional.of(new Encoded(entry(ip.array(), matches.toByteArray(), target), jump));
    }

    /** An entry that matches everything, with a standard target: a built-in chain's policy, a user chain's end. */
    static byte[] standard(int verdict) {
        return entry(new byte[84], new byte[0], standardTarget(verdict));
    }

    /** An entry with the {@code ERROR} target: a user chain's head (its name), or the table's end ({@code ERROR}). */
    static byte[] error(String name) {
        byte[] n = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), ERROR_TARGET - XT_HEADER);
        return entry(new byte[84], new byte[0], xt("ERROR", 0, n));
    }

    /** Where, from its start, the target of the entry at {@code at} in {@code table} is ({@code target_offset}, a u16). */
    static int targetOffset(ByteBuffer table, int at) {
        return table.getShort(at + TARGET_OFFSET_AT) & 0xffff;
    }

    /** The name of the entry's target at {@code at} in {@code table} ({@code ""} for the standard target). */
    static String targetName(ByteBuffer table, int at) {
        return cString(table, at + targetOffset(table, at) + 2, 29);
    }

    /** The {@code ERROR} target's text of the entry at {@code at}: a user chain's name. */
    static String errorName(ByteBuffer table, int at) {
        return cString(table, at + targetOffset(table, at) + XT_HEADER, 30);
    }

    /** Where, from its start, the standard target's verdict of the entry at {@code at} in {@code table} is. */
    static int verdictAt(ByteBuffer table, int at) {
        return targetOffset(table, at) + XT_HEADER;
    }

    static String cString(ByteBuffer b, int at, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < max && b.get(at + i) != 0; i++) {
            s.append((char) (b.get(at + i) & 0xff));
        }
        return s.toString();
    }

    private static byte[] entry(byte[] ip, byte[] matches, byte[] target) {
        int targetOffset = HEADER + matches.length;
        ByteBuffer e = le(targetOffset + target.length).put(ip).putInt(0) // nfcache
                .putShort((short) targetOffset).putShort((short) (targetOffset + target.length));
        return e.put(HEADER, matches).put(targetOffset, target).array();
    }

    private static byte[] standardTarget(int verdict) {
        return xt("", 0, le(8).putInt(verdict).array());
    }

    /** A match or target: its size, name and revision, then its struct (a multiple of 8 bytes). */
    private static byte[] xt(String name, int revision, byte[] info) {
        ByteBuffer b = le(XT_HEADER + info.length).putShort((short) (XT_HEADER + info.length));
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        b.put(2, n, 0, n.length).put(31, (byte) revision);
        return b.put(XT_HEADER, info).array();
    }

    private static void match(ByteArrayOutputStream out, String name, int revision, byte[] info) {
        out.writeBytes(xt(name, revision, info));
    }

    /** The {@code tcp}/{@code udp} module with the port options after it; false for another protocol or a doubled option. */
    private static boolean module(ByteArrayOutputStream out, Protocol protocol, List<Match> mods, int at) {
        byte[] info = protocol == Protocol.TCP || protocol == Protocol.UDP
                ? XtStructs.tcpOrUdp(protocol == Protocol.TCP, XtStructs.portsAfter(mods, at)) : null;
        if (info != null) {
            match(out, protocol.lowerName(), 0, info);
        }
        return info != null;
    }

    private static ByteBuffer le(int size) {
        return XtStructs.le(size);
    }
}
