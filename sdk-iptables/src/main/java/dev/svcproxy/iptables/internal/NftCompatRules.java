// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.Target;
import dev.svcproxy.netlink.MessageBuilder;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * iptables rules as nf_tables netlink messages, expression for expression as iptables-nft 1.8.9 encodes them, so that
 * {@code iptables-nft-save} and {@code iptables -C} read them as the tool's own: the addresses, protocol and single
 * tcp/udp ports as native payload, meta and cmp expressions; {@code comment}, {@code statistic}, {@code addrtype}
 * and a port-less {@code tcp}/{@code udp} module as xtables {@code match} expressions; {@code DNAT} and {@code MARK}
 * as xtables {@code target} expressions; a counter before the verdict; the rule's protocol in its compat attribute.
 * A rule with anything else (interfaces, marks, conntrack, recent, ranges, negated ports, sctp, other targets) has
 * no encoding here ({@link #newRule} is empty) and is left to the tool. Checked against the tool's own messages
 * ({@code NftCompatRulesTest}) and the kernel's state after both ({@code KernelIptablesBackendTest}).
 */
final class NftCompatRules {
    static final int SUBSYS = 10; // NFNL_SUBSYS_NFTABLES
    static final int NEWTABLE = 0;
    static final int NEWCHAIN = 3;
    static final int GETCHAIN = 4;
    static final int NEWRULE = 6;
    static final int CHAIN_TABLE = 1;
    static final int CHAIN_NAME = 3;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_APPEND = 0x800;
    private static final int NFT_JUMP = -3;
    private static final int NFT_GOTO = -4;
    private static final int NFT_RETURN = -5;
    private static final int NF_ACCEPT = 1;
    private static final int NF_DROP = 0;
    private static final int CMP_EQ = 0;
    private static final int CMP_NEQ = 1;
    private static final int NETWORK_HEADER = 1;
    private static final int TRANSPORT_HEADER = 2;
    private static final int META_L4PROTO = 16;
    private static final int REG_1 = 1;
    private static final int REG_VERDICT = 0;

    private NftCompatRules() {
    }

    /** NFPROTO_IPV4 or NFPROTO_IPV6. */
    static int nfproto(IpFamily family) {
        return family == IpFamily.IPV4 ? 2 : 10;
    }

    static MessageBuilder message(int msg, int flags, IpFamily family, java.util.function.Supplier<String> what) {
        return new MessageBuilder(SUBSYS << 8 | msg, flags, what).nfgen(nfproto(family), 0);
    }

    /** The table, created if it is missing (the tool's message before each chain and rule it adds). */
    static MessageBuilder newTable(IpFamily family, Table table) {
        return message(NEWTABLE, NLM_F_CREATE, family, () -> "create table " + table.tableName()).string(1, table.tableName());
    }

    /** A user chain, which must not exist yet. */
    static MessageBuilder newChain(IpFamily family, Table table, ChainName chain) {
        return message(NEWCHAIN, NLM_F_EXCL, family, () -> "create chain " + table.tableName() + "/" + chain)
                .string(CHAIN_TABLE, table.tableName()).string(CHAIN_NAME, chain.name());
    }

    /** A dump of the family's chains (every table's: the replies name theirs). */
    static MessageBuilder listChains(IpFamily family, Table table) {
        return message(GETCHAIN, dev.svcproxy.netlink.Netlink.NLM_F_DUMP, family, () -> "list chains of " + table.tableName())
                .string(CHAIN_TABLE, table.tableName());
    }

    /**
     * {@code rule} appended to its chain, encoded as iptables-nft 1.8.9 encodes it; empty if it holds anything this
     * class does not encode.
     */
    static Optional<MessageBuilder> newRule(IpFamily family, Table table, Rule rule) {
        MessageBuilder m = message(NEWRULE, NLM_F_CREATE | NLM_F_APPEND, family,
                () -> "append to " + table.tableName() + ": " + rule.render(family))
                .string(1, table.tableName()).string(2, rule.chain().name());
        m.beginNested(4);
        int proto = 0;
        // the ip part first, as the tool's nft_ipv4_add/nft_ipv6_add: protocol, source, destination
        for (Match x : rule.matches()) {
            if (x instanceof Match.Proto p) {
                if (p.negated()) {
                    return Optional.empty();
                }
                proto = p.protocol().number();
                l4proto(m, proto);
            }
        }
        for (Match.Direction side : Match.Direction.values()) {
            for (Match x : rule.matches()) {
                if (x instanceof Match.Address a && a.direction() == side && !address(m, family, a)) {
                    return Optional.empty();
                }
            }
        }
        // then the matches, in the order of their modules on the command line
        java.util.List<Match> mods = rule.matches();
        int portOptions = 0;
        for (int i = 0; i < mods.size(); i++) {
            Match x = mods.get(i);
            Protocol module = x instanceof Match.ProtoModule pm ? pm.protocol()
                    : x instanceof Match.Proto p && p.withModule() ? p.protocol() : null;
            if (module != null) {
                if (module != Protocol.TCP && module != Protocol.UDP || module.number() != proto) {
                    return Optional.empty();
                }
                java.util.List<Match.Ports> ports = XtStructs.portsAfter(mods, i);
                portOptions += ports.size();
                if (ports.isEmpty()) {
                    xt(m, "match", module.lowerName(), 0, XtStructs.tcpOrUdp(module == Protocol.TCP, ports));
                } else if (ports.size() > 1 || ports.get(0).negated() || ports.get(0).range().from() != ports.get(0).range().to()) {
                    return Optional.empty();
                } else {
                    payload(m, TRANSPORT_HEADER, ports.get(0).direction() == Match.Direction.SOURCE ? 0 : 2, 2);
                    cmp(m, CMP_EQ, ByteBuffer.allocate(2).putShort((short) ports.get(0).range().from()).array());
                }
            } else if (x instanceof Match.Comment c) {
                xt(m, "match", "comment", 0, XtStructs.comment(c));
            } else if (x instanceof Match.Statistic s) {
                if (!s.isRandom()) {
                    return Optional.empty();
                }
                xt(m, "match", "statistic", 0, XtStructs.randomStatistic(s));
            } else if (x instanceof Match.AddrTypes t) {
                xt(m, "match", "addrtype", 1, XtStructs.addrtype(t));
            } else if (!(x instanceof Match.Address || x instanceof Match.Proto || x instanceof Match.Ports)) {
                return Optional.empty();
            }
        }
        if (portOptions != mods.stream().filter(Match.Ports.class::isInstance).count()) {
            return Optional.empty(); // a port option with no module before it: the tool loads one itself
        }
        counter(m);
        if (rule.target().isPresent() && !target(m, family, rule.target().get())) {
            return Optional.empty();
        }
        m.endNested();
        // NFTA_RULE_COMPAT: the protocol, not negated
        m.beginNested(5).u32Be(1, proto, false).u32Be(2, 0, false).endNested();
        return Optional.of(m);
    }

    private static boolean target(MessageBuilder m, IpFamily family, Target t) {
        if (t instanceof Target.Jump j) {
            verdict(m, NFT_JUMP, j.target().name());
        } else if (t instanceof Target.Goto g) {
            verdict(m, NFT_GOTO, g.target().name());
        } else if (t == Target.Verdict.RETURN) {
            verdict(m, NFT_RETURN, null);
        } else if (t == Target.Verdict.ACCEPT) {
            verdict(m, NF_ACCEPT, null);
        } else if (t == Target.Verdict.DROP) {
            verdict(m, NF_DROP, null);
        } else if (t instanceof Target.Dnat d) {
            if (d.address().family() != family) {
                return false;
            }
            xt(m, "target", "DNAT", 2, XtStructs.dnat(d));
        } else if (t instanceof Target.MarkTarget mark) {
            xt(m, "target", "MARK", 2, XtStructs.markTarget(mark));
        } else {
            return false;
        }
        return true;
    }

    /** {@code [!] -s/-d CIDR}: the prefix's whole bytes, or the whole address under a mask. */
    private static boolean address(MessageBuilder m, IpFamily family, Match.Address a) {
        Cidr c = a.cidr();
        if (c.family() != family || c.prefixLength() == 0) {
            return false; // a /0 the tool leaves out (or turns into a match of nothing when negated)
        }
        int size = family == IpFamily.IPV4 ? 4 : 16;
        int offset = a.direction() == Match.Direction.SOURCE ? (size == 4 ? 12 : 8) : (size == 4 ? 16 : 24);
        byte[] net = c.network().bytes();
        byte[] mask = new byte[size];
        for (int i = 0; i < size; i++) {
            int bits = Math.max(0, Math.min(8, c.prefixLength() - 8 * i));
            mask[i] = (byte) (0xff << (8 - bits));
            net[i] &= mask[i];
        }
        boolean aligned = c.prefixLength() % 8 == 0;
        int len = aligned ? c.prefixLength() / 8 : size;
        payload(m, NETWORK_HEADER, offset, len);
        if (!aligned) {
            expr(m, "bitwise").u32Be(1, REG_1, false).u32Be(2, REG_1, false).u32Be(3, len, false);
            data(m, 4, mask);
            data(m, 5, new byte[len]);
            end(m);
        }
        cmp(m, a.negated() ? CMP_NEQ : CMP_EQ, java.util.Arrays.copyOf(net, len));
        return true;
    }

    private static void l4proto(MessageBuilder m, int proto) {
        expr(m, "meta").u32Be(2, META_L4PROTO, false).u32Be(1, REG_1, false);
        end(m);
        cmp(m, CMP_EQ, new byte[] {(byte) proto});
    }

    private static void payload(MessageBuilder m, int base, int offset, int len) {
        expr(m, "payload").u32Be(1, REG_1, false).u32Be(2, base, false).u32Be(3, offset, false).u32Be(4, len, false);
        end(m);
    }

    private static void cmp(MessageBuilder m, int op, byte[] value) {
        expr(m, "cmp").u32Be(1, REG_1, false).u32Be(2, op, false);
        data(m, 3, value);
        end(m);
    }

    private static void counter(MessageBuilder m) {
        expr(m, "counter").u64Be(1, 0, false).u64Be(2, 0, false);
        end(m);
    }

    private static void verdict(MessageBuilder m, int code, String chain) {
        expr(m, "immediate").u32Be(1, REG_VERDICT, false).beginNested(2).beginNested(2).u32Be(1, code, false);
        if (chain != null) {
            m.string(2, chain);
        }
        m.endNested().endNested();
        end(m);
    }

    /** An xtables match or target: its name, revision and the module's own struct. */
    private static void xt(MessageBuilder m, String kind, String name, int revision, byte[] info) {
        expr(m, kind).string(1, name).u32Be(2, revision, false).attr(3, info);
        end(m);
    }

    /** NFTA_DATA_VALUE inside a nested attribute of {@code type}. */
    private static void data(MessageBuilder m, int type, byte[] value) {
        m.beginNested(type).attr(1, value).endNested();
    }

    /** Opens one expression: the list element, its name and its data. */
    private static MessageBuilder expr(MessageBuilder m, String name) {
        return m.beginNested(1).string(1, name).beginNested(2);
    }

    private static void end(MessageBuilder m) {
        m.endNested().endNested();
    }
}
