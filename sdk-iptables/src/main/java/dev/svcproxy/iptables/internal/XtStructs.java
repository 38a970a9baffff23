// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Target;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The xtables modules' own structs, as the iptables 1.8 extensions fill them: the same bytes go into an x_tables entry
 * (iptables-legacy, {@link IptEntries}) and into an nf_tables {@code match}/{@code target} expression (iptables-nft,
 * {@link NftCompatRules}). Each is padded to a multiple of 8 bytes ({@code XT_ALIGN}).
 */
final class XtStructs {
    private XtStructs() {
    }

    /** struct xt_comment_info: the text, NUL-padded to 256 bytes. */
    static byte[] comment(Match.Comment c) {
        return java.util.Arrays.copyOf(c.text().getBytes(StandardCharsets.UTF_8), 256);
    }

    /**
     * struct xt_statistic_info of a random statistic: mode, flags, probability, packet, count (the tool sets it to
     * probability - packet), the kernel's pointer.
     */
    static byte[] randomStatistic(Match.Statistic s) {
        int p = (int) s.kernelValue();
        return le(24).putShort((short) 0).putShort((short) 0).putInt(p).putInt(0).putInt(p).array();
    }

    /** struct xt_addrtype_info_v1: source and destination type bits, the inversion flags. */
    static byte[] addrtype(Match.AddrTypes t) {
        int flags = (t.sourceNegated() ? 1 : 0) | (t.destinationNegated() ? 2 : 0);
        return le(8).putShort((short) (int) t.source().map(XtStructs::bit).orElse(0))
                .putShort((short) (int) t.destination().map(XtStructs::bit).orElse(0)).putInt(flags).array();
    }

    /** struct xt_mark_mtinfo1: mark, mask, invert. */
    static byte[] mark(Match.Mark m) {
        return le(16).putInt((int) m.value()).putInt((int) m.mask()).put((byte) (m.negated() ? 1 : 0)).array();
    }

    /**
     * struct xt_tcp (ports, option, flags, invflags) or xt_udp (ports, invflags) of {@code ports}; null if two
     * options look at the same side.
     */
    static byte[] tcpOrUdp(boolean tcp, List<Match.Ports> ports) {
        int[] range = {0, 0xffff, 0, 0xffff};
        int inv = 0;
        boolean[] seen = new boolean[2];
        for (Match.Ports p : ports) {
            int d = p.direction() == Match.Direction.SOURCE ? 0 : 1;
            if (seen[d]) {
                return null;
            }
            seen[d] = true;
            range[2 * d] = p.range().from();
            range[2 * d + 1] = p.range().to();
            inv |= p.negated() ? 1 << d : 0;
        }
        ByteBuffer info = le(16);
        for (int r : range) {
            info.putShort((short) r);
        }
        return info.put(tcp ? 11 : 8, (byte) inv).array();
    }

    /** The port options of the module at {@code at}: those after it, before the next module. */
    static List<Match.Ports> portsAfter(List<Match> matches, int at) {
        List<Match.Ports> out = new java.util.ArrayList<>();
        for (int i = at + 1; i < matches.size(); i++) {
            Match x = matches.get(i);
            if (x instanceof Match.Ports p) {
                out.add(p);
            } else if (!(x instanceof Match.Address || x instanceof Match.Interface || x instanceof Match.Proto p && !p.withModule())) {
                break;
            }
        }
        return out;
    }

    /** struct nf_nat_range2 of an IPv4 or IPv6 DNAT: flags (MAP_IPS, PROTO_SPECIFIED), min and max address and port, base port. */
    static byte[] dnat(Target.Dnat d) {
        byte[] a = java.util.Arrays.copyOf(d.address().bytes(), 16);
        return le(48).putInt(d.port() != 0 ? 3 : 1).put(a).put(a).order(ByteOrder.BIG_ENDIAN)
                .putShort((short) d.port()).putShort((short) d.port()).array();
    }

    /** struct xt_mark_tginfo2: mark, mask (of the target as {@code --set-xmark}). */
    static byte[] markTarget(Target.MarkTarget mark) {
        Target.MarkTarget x = mark.xmark();
        return le(8).putInt((int) x.value()).putInt((int) x.mask()).array();
    }

    /**
     * struct nf_nat_ipv4_multi_range_compat of an IPv4 MASQUERADE: one range with flags (PROTO_SPECIFIED,
     * PROTO_RANDOM_FULLY), no addresses, the ports.
     */
    static byte[] masquerade(Target.Masquerade m) {
        int flags = (m.portFrom() != 0 ? 2 : 0) | (m.randomFully() ? 0x10 : 0);
        return le(24).putInt(1).putInt(flags).putInt(0).putInt(0).order(ByteOrder.BIG_ENDIAN)
                .putShort((short) m.portFrom()).putShort((short) m.portTo()).array();
    }

    private static int bit(Match.AddrType t) {
        return 1 << t.ordinal();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }
}
