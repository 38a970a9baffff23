// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * IPv4 x_tables entries as {@code iptables-legacy-save} 1.8.9 prints them, for the shapes {@link IptEntries} writes:
 * addresses, interfaces, the protocol, goto; the {@code tcp}/{@code udp} ports, {@code comment}, {@code statistic}
 * (random), {@code addrtype} (one type a side) and {@code mark} modules; jumps, verdicts, a rule without a target,
 * {@code DNAT} to one address and port, {@code MARK} and {@code MASQUERADE}. Any other entry has no line here
 * ({@link #rule} is empty), so that a reader falls back to the tool. Checked against the tool's own save
 * ({@code KernelLegacyNatWriterTest}).
 */
final class IptSave {
    private static final String[] TYPES = {"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST", "BLACKHOLE",
        "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE"};

    private IptSave() {
    }

    /** The {@code -A} line of {@code e}, a rule of {@code chain} in the table {@code b} was read from; empty if it has none here. */
    static Optional<String> rule(ByteBuffer b, String chain, XtTable.Entry e) {
        int at = e.at();
        StringBuilder out = new StringBuilder("-A ").append(chain);
        int flags = b.get(at + 82);
        int inv = b.get(at + 83);
        if ((flags & ~0x02) != 0 || (inv & ~(0x01 | 0x02 | 0x08 | 0x10 | 0x40)) != 0) {
            return Optional.empty(); // a fragment match, or an inversion not written here
        }
        address(out, b, at, 0, 8, (inv & 0x08) != 0, "-s");
        address(out, b, at, 4, 12, (inv & 0x10) != 0, "-d");
        iface(out, b, at + 16, (inv & 0x01) != 0, "-i");
        iface(out, b, at + 32, (inv & 0x02) != 0, "-o");
        int proto = b.getShort(at + 80) & 0xffff;
        if (proto != 0) {
            String name = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 132 ? "sctp" : proto == 1 ? "icmp" : null;
            if (name == null) {
                return Optional.empty();
            }
            out.append((inv & 0x40) != 0 ? " ! -p " : " -p ").append(name);
        }
        int targetAt = at + IptEntries.targetOffset(b, at);
        for (int m = at + IptEntries.HEADER; m < targetAt; m += b.getShort(m) & 0xffff) {
            if ((b.getShort(m) & 0xffff) < 32 || !match(out, b, m)) {
                return Optional.empty();
            }
        }
        return target(out, b, targetAt, e, (flags & 0x02) != 0) ? Optional.of(out.toString()) : Optional.empty();
    }

    private static void address(StringBuilder out, ByteBuffer b, int at, int addr, int mask, boolean negated, String option) {
        int m = be32(b, at + mask);
        int a = be32(b, at + addr);
        if (m == 0 && !negated) {
            return;
        }
        out.append(negated ? " ! " : " ").append(option).append(' ').append(dotted(a)).append('/').append(Integer.bitCount(m));
    }

    private static void iface(StringBuilder out, ByteBuffer b, int at, boolean negated, String option) {
        String name = IptEntries.cString(b, at, 16);
        if (!name.isEmpty()) {
            out.append(negated ? " ! " : " ").append(option).append(' ').append(name);
        }
    }

    private static boolean match(StringBuilder out, ByteBuffer b, int m) {
        String name = IptEntries.cString(b, m + 2, 29);
        int revision = b.get(m + 31);
        int d = m + 32;
        switch (name + "/" + revision) {
            case "tcp/0", "udp/0" -> {
                boolean tcp = name.equals("tcp");
                int inv = b.get(d + (tcp ? 11 : 8));
                if (tcp && (b.get(d + 8) != 0 || b.get(d + 9) != 0 || b.get(d + 10) != 0) || (inv & ~3) != 0) {
                    return false; // tcp options or flags
                }
                out.append(" -m ").append(name);
                ports(out, b.getShort(d) & 0xffff, b.getShort(d + 2) & 0xffff, (inv & 1) != 0, "--sport");
                ports(out, b.getShort(d + 4) & 0xffff, b.getShort(d + 6) & 0xffff, (inv & 2) != 0, "--dport");
            }
            case "comment/0" -> {
                String text = IptEntries.cString(b, d, 256);
                if (text.contains("\"") || text.contains("\\")) {
                    return false;
                }
                out.append(" -m comment --comment \"").append(text).append('"');
            }
            case "statistic/0" -> {
                if (b.getShort(d) != 0 || b.getShort(d + 2) != 0) {
                    return false; // nth, or inverted
                }
                double p = Integer.toUnsignedLong(b.getInt(d + 4)) / (double) 0x80000000L;
                out.append(" -m statistic --mode random --probability ").append(String.format(Locale.ROOT, "%.11f", p));
            }
            case "addrtype/1" -> {
                int src = b.getShort(d) & 0xffff;
                int dst = b.getShort(d + 2) & 0xffff;
                int f = b.getInt(d + 4);
                if ((f & ~3) != 0 || Integer.bitCount(src) > 1 || Integer.bitCount(dst) > 1 || src + dst == 0) {
                    return false; // an interface limit, or several types a side
                }
                out.append(" -m addrtype");
                type(out, src, (f & 1) != 0, "--src-type");
                type(out, dst, (f & 2) != 0, "--dst-type");
            }
            case "mark/1" -> {
                long mark = Integer.toUnsignedLong(b.getInt(d));
                long mask = Integer.toUnsignedLong(b.getInt(d + 4));
                out.append(" -m mark").append(b.get(d + 8) != 0 ? " ! --mark " : " --mark ").append(hex(mark))
                        .append(mask == 0xffffffffL ? "" : "/" + hex(mask));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void ports(StringBuilder out, int from, int to, boolean negated, String option) {
        if (from == 0 && to == 0xffff && !negated) {
            return;
        }
        out.append(negated ? " ! " : " ").append(option).append(' ').append(from).append(from == to ? "" : ":" + to);
    }

    private static void type(StringBuilder out, int bits, boolean negated, String option) {
        if (bits != 0) {
            out.append(negated ? " ! " : " ").append(option).append(' ').append(TYPES[Integer.numberOfTrailingZeros(bits)]);
        }
    }

    private static boolean target(StringBuilder out, ByteBuffer b, int t, XtTable.Entry e, boolean gotoFlag) {
        String name = IptEntries.cString(b, t + 2, 29);
        int revision = b.get(t + 31);
        int d = t + 32;
        if (name.isEmpty()) {
            IptEntries.Jump jump = e.jump();
            if (jump != null && jump.next()) {
                return !gotoFlag; // no target: nothing printed
            }
            if (jump != null) {
                out.append(gotoFlag ? " -g " : " -j ").append(jump.chain());
                return true;
            }
            int verdict = b.getInt(d);
            String v = verdict == IptEntries.ACCEPT ? "ACCEPT" : verdict == IptEntries.DROP ? "DROP"
                    : verdict == IptEntries.RETURN ? "RETURN" : null;
            if (v == null || gotoFlag) {
                return false;
            }
            out.append(" -j ").append(v);
            return true;
        }
        switch (name + "/" + revision) {
            case "DNAT/2" -> {
                int flags = b.getInt(d);
                int min = be32(b, d + 4);
                int max = be32(b, d + 20);
                int portMin = be16(b, d + 36);
                int portMax = be16(b, d + 38);
                boolean ports = (flags & 2) != 0;
                if ((flags & ~3) != 0 || (flags & 1) == 0 || min != max || ports && portMin != portMax) {
                    return false;
                }
                out.append(" -j DNAT --to-destination ").append(dotted(min)).append(ports ? ":" + portMin : "");
            }
            case "MARK/2" -> out.append(" -j MARK --set-xmark ").append(hex(Integer.toUnsignedLong(b.getInt(d))))
                    .append('/').append(hex(Integer.toUnsignedLong(b.getInt(d + 4))));
            case "MASQUERADE/0" -> {
                int flags = b.getInt(d + 4);
                int from = be16(b, d + 16);
                int to = be16(b, d + 18);
                if (b.getInt(d) != 1 || (flags & ~(2 | 0x10)) != 0) {
                    return false;
                }
                out.append(" -j MASQUERADE");
                if ((flags & 2) != 0) {
                    out.append(" --to-ports ").append(from).append(from == to ? "" : "-" + to);
                }
                if ((flags & 0x10) != 0) {
                    out.append(" --random-fully");
                }
            }
            default -> {
                return false;
            }
        }
        return !gotoFlag;
    }

    /** A 32-bit value in network byte order at {@code at}, whatever the buffer's order. */
    private static int be32(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) << 24 | (b.get(at + 1) & 0xff) << 16 | (b.get(at + 2) & 0xff) << 8 | b.get(at + 3) & 0xff;
    }

    private static int be16(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) << 8 | b.get(at + 1) & 0xff;
    }

    private static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
