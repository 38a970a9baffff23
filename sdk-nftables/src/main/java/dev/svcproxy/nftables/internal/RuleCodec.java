// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.Netlink;
import dev.svcproxy.nftables.Expr;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Verdict;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rule expressions to and from their netlink form ({@code NFTA_RULE_EXPRESSIONS}: a list of name + data). An
 * expression the decoder does not know comes back as {@link Expr.Raw} holding its data, and is sent back unchanged.
 */
final class RuleCodec {
    private RuleCodec() {
    }

    static final int EXPR_NAME = 1;
    static final int EXPR_DATA = 2;

    /**
     * Writes {@code NFTA_RULE_EXPRESSIONS} into {@code m}; {@code setIds} gives the transaction id of a set created in
     * the same batch, or null.
     */
    static void expressions(MessageBuilder m, List<Expr> exprs, java.util.function.Function<String, String> renamed,
                            java.util.function.Function<String, Integer> setIds) {
        m.beginNested(Nft.RULE_EXPRESSIONS);
        for (Expr e : exprs) {
            m.beginNested(Nft.LIST_ELEM).string(EXPR_NAME, e.name());
            if (e instanceof Expr.Raw r) {
                m.attr(EXPR_DATA | Netlink.NLA_F_NESTED, r.data());
            } else {
                m.beginNested(EXPR_DATA);
                data(e, m, renamed, setIds);
                m.endNested();
            }
            m.endNested();
        }
        m.endNested();
    }

    private static void value(MessageBuilder m, int type, byte[] b) {
        m.beginNested(type).attr(Nft.DATA_VALUE, b).endNested();
    }

    private static void data(Expr e, MessageBuilder t, java.util.function.Function<String, String> renamed,
                             java.util.function.Function<String, Integer> setIds) {
        if (e instanceof Expr.Payload p) {
            t.u32Be(1, p.dreg(), false).u32Be(2, p.base().ordinal(), false).u32Be(3, p.offset(), false).u32Be(4, p.length(), false);
        } else if (e instanceof Expr.Meta m) {
            t.u32Be(2, m.key(), false).u32Be(1, m.dreg(), false);
        } else if (e instanceof Expr.MetaSet m) {
            t.u32Be(2, m.key(), false).u32Be(3, m.sreg(), false);
        } else if (e instanceof Expr.Ct c) {
            t.u32Be(1, c.dreg(), false).u32Be(2, c.key(), false);
        } else if (e instanceof Expr.Bitwise b) {
            t.u32Be(1, b.sreg(), false).u32Be(2, b.dreg(), false).u32Be(3, b.mask().length, false);
            value(t, 4, b.mask());
            value(t, 5, b.xor());
        } else if (e instanceof Expr.Cmp c) {
            t.u32Be(1, c.sreg(), false).u32Be(2, c.op().ordinal(), false);
            value(t, 3, c.data());
        } else if (e instanceof Expr.Lookup l) {
            String set = renamed.apply(l.set());
            t.string(1, set != null ? set : l.set()).u32Be(2, l.sreg(), false);
            l.dreg().ifPresent(d -> t.u32Be(3, d, false));
            Integer id = setIds.apply(l.set());
            if (id != null) {
                t.u32Be(4, id, false);
            }
            if (l.invert()) {
                t.u32Be(5, 1, false);
            }
        } else if (e instanceof Expr.Immediate i) {
            t.u32Be(1, i.dreg(), false);
            if (i.verdict().isPresent()) {
                Verdict v = i.verdict().get();
                t.beginNested(2).beginNested(Nft.DATA_VERDICT).u32Be(Nft.VERDICT_CODE, v.kind().code(), false);
                v.chain().ifPresent(c -> t.string(Nft.VERDICT_CHAIN, c));
                t.endNested().endNested();
            } else {
                value(t, 2, i.value());
            }
        } else if (e instanceof Expr.Counter c) {
            t.u64Be(1, c.bytes(), false).u64Be(2, c.packets(), false);
        } else if (e instanceof Expr.Numgen n) {
            t.u32Be(1, n.dreg(), false).u32Be(2, n.modulus(), false).u32Be(3, n.random() ? 1 : 0, false).u32Be(4, n.offset(), false);
        } else if (e instanceof Expr.Nat n) {
            t.u32Be(1, n.dnat() ? 1 : 0, false).u32Be(2, n.family().nfproto(), false);
            if (n.addrReg() != 0) {
                t.u32Be(3, n.addrReg(), false);
            }
            if (n.protoReg() != 0) {
                t.u32Be(5, n.protoReg(), false);
            }
            if (n.flags() != 0) {
                t.u32Be(7, n.flags(), false);
            }
        } else if (e instanceof Expr.Masquerade m) {
            if (m.flags() != 0) {
                t.u32Be(1, m.flags(), false);
            }
        } else if (e instanceof Expr.Reject r) {
            t.u32Be(1, r.type(), false).u8(2, r.code());
        } else if (e instanceof Expr.Fib f) {
            t.u32Be(1, f.dreg(), false).u32Be(2, f.result(), false).u32Be(3, f.flags(), false);
        } else if (e instanceof Expr.Limit l) {
            t.u64Be(1, l.rate(), false).u64Be(2, l.unitSeconds(), false).u32Be(3, l.burst(), false).u32Be(4, 0, false)
                    .u32Be(5, l.over() ? 1 : 0, false);
        } else if (e instanceof Expr.Log g) {
            g.prefix().ifPresent(p -> t.string(2, p));
            if (g.level() >= 0) {
                t.u32Be(5, g.level(), false);
            }
        } else if (e instanceof Expr.Dynset d) {
            t.string(1, d.set()).u32Be(3, d.op(), false).u32Be(4, d.sreg(), false);
            Integer id = setIds.apply(d.set());
            if (id != null) {
                t.u32Be(2, id, false);
            }
            d.timeout().ifPresent(x -> t.u64Be(6, x.toMillis(), false));
        }
    }

    static List<Expr> decode(Attributes rule) {
        List<Expr> out = new ArrayList<>();
        if (!rule.has(Nft.RULE_EXPRESSIONS)) {
            return out;
        }
        for (ByteBuffer item : rule.nested(Nft.RULE_EXPRESSIONS).all(Nft.LIST_ELEM)) {
            Attributes x = Attributes.parse(item);
            String name = x.string(EXPR_NAME);
            byte[] raw = x.has(EXPR_DATA) ? x.bytes(EXPR_DATA) : new byte[0];
            Attributes d = Attributes.parse(ByteBuffer.wrap(raw));
            try {
                out.add(decode(name, d, raw));
            } catch (MalformedMessageException | IllegalArgumentException | IndexOutOfBoundsException e) {
                out.add(new Expr.Raw(name, raw)); // attributes this SDK does not expect: kept as they are
            }
        }
        return out;
    }

    private static int u32(Attributes a, int type) {
        return (int) a.u32Be(type);
    }

    private static byte[] val(Attributes a, int type) {
        return a.nested(type).bytes(Nft.DATA_VALUE);
    }

    private static Expr decode(String name, Attributes d, byte[] raw) {
        return switch (name) {
            case "payload" -> d.has(5) ? new Expr.Raw(name, raw)
                    : new Expr.Payload(u32(d, 1), Expr.Base.values()[u32(d, 2)], u32(d, 3), u32(d, 4));
            case "meta" -> d.has(1) ? new Expr.Meta(u32(d, 1), u32(d, 2)) : new Expr.MetaSet(u32(d, 3), u32(d, 2));
            case "ct" -> d.has(1) && !d.has(3) ? new Expr.Ct(u32(d, 1), u32(d, 2)) : new Expr.Raw(name, raw);
            case "bitwise" -> d.has(6) && u32(d, 6) != 0 ? new Expr.Raw(name, raw)
                    : new Expr.Bitwise(u32(d, 1), u32(d, 2), val(d, 4), val(d, 5));
            case "cmp" -> new Expr.Cmp(u32(d, 1), Expr.CmpOp.values()[u32(d, 2)], val(d, 3));
            case "lookup" -> new Expr.Lookup(u32(d, 2), d.string(1), d.has(3) ? Optional.of(u32(d, 3)) : Optional.empty(),
                    d.has(5) && (u32(d, 5) & 1) != 0, Optional.empty());
            case "immediate" -> {
                Attributes data = d.nested(2);
                if (data.has(Nft.DATA_VERDICT)) {
                    Attributes v = data.nested(Nft.DATA_VERDICT);
                    yield new Expr.Immediate(u32(d, 1), Optional.of(new Verdict(Verdict.Kind.ofCode((int) v.u32Be(Nft.VERDICT_CODE)),
                            v.has(Nft.VERDICT_CHAIN) ? Optional.of(v.string(Nft.VERDICT_CHAIN)) : Optional.empty())), new byte[0]);
                }
                yield new Expr.Immediate(u32(d, 1), Optional.empty(), data.bytes(Nft.DATA_VALUE));
            }
            case "counter" -> new Expr.Counter(d.u64Be(2), d.u64Be(1));
            case "numgen" -> new Expr.Numgen(u32(d, 1), u32(d, 2), u32(d, 3) == 1, d.has(4) ? u32(d, 4) : 0);
            case "nat" -> d.has(4) && u32(d, 4) != u32(d, 3) || d.has(6) && u32(d, 6) != u32(d, 5) ? new Expr.Raw(name, raw) : new Expr.Nat(u32(d, 1) == 1, Family.ofNfproto(u32(d, 2)),
                    d.has(3) ? u32(d, 3) : 0, d.has(5) ? u32(d, 5) : 0, d.has(7) ? u32(d, 7) : 0);
            case "masq" -> d.has(2) ? new Expr.Raw(name, raw) : new Expr.Masquerade(d.has(1) ? u32(d, 1) : 0);
            case "reject" -> new Expr.Reject(u32(d, 1), d.has(2) ? d.u8(2) : 0);
            case "fib" -> new Expr.Fib(u32(d, 1), u32(d, 2), u32(d, 3));
            case "dynset" -> d.has(5) || d.has(7) ? new Expr.Raw(name, raw) : new Expr.Dynset(u32(d, 3), u32(d, 4), d.string(1),
                    d.has(6) && d.u64Be(6) != 0 ? Optional.of(Duration.ofMillis(d.u64Be(6))) : Optional.empty());
            case "limit" -> d.has(4) && u32(d, 4) != 0 ? new Expr.Raw(name, raw)
                    : new Expr.Limit(d.u64Be(1), d.u64Be(2), d.has(3) ? u32(d, 3) : 0, d.has(5) && (u32(d, 5) & 1) != 0);
            case "log" -> d.has(1) || d.has(3) || d.has(4) || d.has(6) && u32(d, 6) != 0 ? new Expr.Raw(name, raw)
                    : new Expr.Log(d.has(2) ? Optional.of(d.string(2)) : Optional.empty(), d.has(5) ? u32(d, 5) : -1);
            default -> new Expr.Raw(name, raw);
        };
    }
}
