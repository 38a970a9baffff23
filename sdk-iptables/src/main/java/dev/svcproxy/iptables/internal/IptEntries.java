// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Target;
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
    /** Written over an entry's header, and a match's or target's, before their fields. */
    private static final byte[] ZEROS = new byte[HEADER];

    private IptEntries() {
    }

    /** Where a standard target goes: a user chain (by name), or the next entry (a rule without a target). */
    record Jump(String chain, boolean next) {
    }

    private static final Jump NEXT = new Jump(null, true);

    /**
     * Where {@code rule}'s standard target goes: the next entry for a rule without a target (libiptc's fall-through),
     * the chain of a jump or goto; empty for any other target. Its verdict is written when the table is laid out.
     */
    static Optional<Jump> jump(Rule rule) {
        Target t = rule.target().orElse(null);
        return t == null ? Optional.of(NEXT)
                : t instanceof Target.Jump j ? Optional.of(new Jump(j.target().name(), false))
                : t instanceof Target.Goto g ? Optional.of(new Jump(g.target().name(), false))
                : Optional.empty();
    }

    /** The most bytes {@link #encode} writes for {@code rule}: the header, the largest match for each, a target. */
    static int maxLength(Rule rule) {
        return HEADER + (XT_HEADER + 256) * rule.matches().size() + XT_HEADER + 64;
    }

    /** {@code rule} as an IPv4 entry (a jump's verdict 0); empty if it holds anything this class does not encode. */
    static Optional<byte[]> rule(Rule rule) {
        ByteBuffer b = le(maxLength(rule));
        int n = encode(rule, b, 0);
        return n < 0 ? Optional.empty() : Optional.of(java.util.Arrays.copyOf(b.array(), n));
    }

    /**
     * Writes {@code rule} as an IPv4 entry into {@code out} (native byte order) at {@code at}, every byte of it and no
     * other, a jump's verdict left 0 (see {@link #jump}), and returns its length, at most {@link #maxLength}; -1 if it
     * holds anything this class does not encode (what was written then means nothing).
     */
    static int encode(Rule rule, ByteBuffer out, int at) {
        out.put(at, ZEROS, 0, HEADER); // struct ipt_ip first, then nfcache, the offsets, comefrom, counters
        byte inv = 0;
        int p = at + HEADER;
        List<Match> mods = rule.matches();
        int portOptions = 0;
        int portsTaken = 0;
        for (int i = 0; i < mods.size(); i++) {
            Match x = mods.get(i);
            if (x instanceof Match.Address a) {
                Cidr c = a.cidr();
                if (c.family() != IpFamily.IPV4 || c.prefixLength() == 0) {
                    return -1; // a /0 the tool leaves out
                }
                boolean src = a.direction() == Match.Direction.SOURCE;
                byte[] mask = ByteBuffer.allocate(4).putInt((int) (0xffffffffL << (32 - c.prefixLength()))).array();
                byte[] net = c.network().bytes();
                for (int b = 0; b < 4; b++) {
                    net[b] &= mask[b];
                }
                out.put(at + (src ? 0 : 4), net, 0, 4).put(at + (src ? 8 : 12), mask, 0, 4);
                inv |= a.negated() ? (src ? INV_SRCIP : INV_DSTIP) : 0;
            } else if (x instanceof Match.Interface f) {
                boolean in = f.direction() == Match.Direction.SOURCE;
                byte[] name = f.name().getBytes(StandardCharsets.US_ASCII);
                out.put(at + (in ? 16 : 32), name, 0, name.length);
                int masked = f.name().endsWith("+") ? name.length - 1 : name.length + 1;
                for (int b = 0; b < masked; b++) {
                    out.put(at + (in ? 48 : 64) + b, (byte) 0xff);
                }
                inv |= f.negated() ? (in ? INV_VIA_IN : INV_VIA_OUT) : 0;
            } else if (x instanceof Match.Proto pr) {
                out.putShort(at + 80, (short) pr.protocol().number());
                inv |= pr.negated() ? INV_PROTO : 0;
                if (pr.withModule() && (p = module(out, p, pr.protocol(), mods, i)) < 0) {
                    return -1;
                }
                portsTaken += pr.withModule() ? XtStructs.portsAfter(mods, i).size() : 0;
            } else if (x instanceof Match.ProtoModule pm) {
                if ((p = module(out, p, pm.protocol(), mods, i)) < 0) {
                    return -1;
                }
                portsTaken += XtStructs.portsAfter(mods, i).size();
            } else if (x instanceof Match.Ports) {
                portOptions++;
            } else if (x instanceof Match.Comment c) {
                if (c.text().getBytes(StandardCharsets.UTF_8).length > 255) {
                    return -1;
                }
                p = xt(out, p, "comment", 0, XtStructs.comment(c));
            } else if (x instanceof Match.Statistic st) {
                if (!st.isRandom()) {
                    return -1;
                }
                p = xt(out, p, "statistic", 0, XtStructs.randomStatistic(st));
            } else if (x instanceof Match.AddrTypes t) {
                p = xt(out, p, "addrtype", 1, XtStructs.addrtype(t));
            } else if (x instanceof Match.Mark m) {
                p = xt(out, p, "mark", 1, XtStructs.mark(m));
            } else {
                return -1;
            }
        }
        if (portOptions != portsTaken) {
            return -1; // a port option with no module before it: the tool loads one itself
        }
        byte flags = 0;
        int targetAt = p;
        Target t = rule.target().orElse(null);
        int proto = out.getShort(at + 80);
        boolean ported = proto == 6 || proto == 17 || proto == 132 || proto == 33;
        if ((t instanceof Target.Dnat d && d.port() != 0 || t instanceof Target.Masquerade m && m.portFrom() != 0)
                && (!ported || (inv & INV_PROTO) != 0)) {
            return -1; // the tool refuses a port without TCP, UDP, SCTP or DCCP: its error, then
        }
        if (t == null || t instanceof Target.Jump) { // no target: libiptc's fall-through, a jump to the next entry
            p = standardTarget(out, p, 0);
        } else if (t instanceof Target.Goto) {
            flags |= IPT_F_GOTO;
            p = standardTarget(out, p, 0);
        } else if (t instanceof Target.Verdict v) {
            p = standardTarget(out, p, v == Target.Verdict.ACCEPT ? ACCEPT : v == Target.Verdict.DROP ? DROP : RETURN);
        } else if (t instanceof Target.Dnat d) {
            if (d.address().family() != IpFamily.IPV4) {
                return -1;
            }
            p = xt(out, p, "DNAT", 2, XtStructs.dnat(d));
        } else if (t instanceof Target.MarkTarget mark) {
            p = xt(out, p, "MARK", 2, XtStructs.markTarget(mark));
        } else if (t instanceof Target.Masquerade m) {
            p = xt(out, p, "MASQUERADE", 0, XtStructs.masquerade(m));
        } else {
            return -1;
        }
        out.put(at + 82, flags).put(at + 83, inv);
        return header(out, at, targetAt, p);
    }

    /** An entry that matches everything, with a standard target: a built-in chain's policy, a user chain's end. */
    static byte[] standard(int verdict) {
        ByteBuffer b = le(HEADER + XT_HEADER + 8);
        b.put(0, ZEROS, 0, HEADER);
        header(b, 0, HEADER, standardTarget(b, HEADER, verdict));
        return b.array();
    }

    /** An entry with the {@code ERROR} target: a user chain's head (its name), or the table's end ({@code ERROR}). */
    static byte[] error(String name) {
        ByteBuffer b = le(HEADER + ERROR_TARGET);
        b.put(0, ZEROS, 0, HEADER);
        byte[] n = java.util.Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), ERROR_TARGET - XT_HEADER);
        header(b, 0, HEADER, xt(b, HEADER, "ERROR", 0, n));
        return b.array();
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

    /** Writes the offsets of the entry at {@code at}, whose target starts at {@code targetAt} and ends at {@code end}. */
    private static int header(ByteBuffer out, int at, int targetAt, int end) {
        out.putShort(at + TARGET_OFFSET_AT, (short) (targetAt - at)).putShort(at + NEXT_OFFSET_AT, (short) (end - at));
        return end - at;
    }

    private static int standardTarget(ByteBuffer out, int at, int verdict) {
        return xt(out, at, "", 0, le(8).putInt(verdict).array());
    }

    /** Writes a match or target at {@code at}: its size, name and revision, then its struct (a multiple of 8 bytes). */
    private static int xt(ByteBuffer out, int at, String name, int revision, byte[] info) {
        out.put(at, ZEROS, 0, XT_HEADER).putShort(at, (short) (XT_HEADER + info.length));
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        out.put(at + 2, n, 0, n.length).put(at + 31, (byte) revision);
        out.put(at + XT_HEADER, info);
        return at + XT_HEADER + info.length;
    }

    /**
     * Writes the {@code tcp}/{@code udp} module with the port options after it at {@code at}; -1 for another
     * protocol or a doubled option.
     */
    private static int module(ByteBuffer out, int at, Protocol protocol, List<Match> mods, int i) {
        byte[] info = protocol == Protocol.TCP || protocol == Protocol.UDP
                ? XtStructs.tcpOrUdp(protocol == Protocol.TCP, XtStructs.portsAfter(mods, i)) : null;
        return info == null ? -1 : xt(out, at, protocol.lowerName(), 0, info);
    }

    private static ByteBuffer le(int size) {
        return XtStructs.le(size);
    }
}
