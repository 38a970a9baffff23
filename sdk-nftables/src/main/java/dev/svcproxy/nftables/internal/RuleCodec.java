package dev.svcproxy.nftables.internal;

import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.nftables.Expr;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Verdict;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The list of expressions; {@code setIds} gives the transaction id of a set created in the same batch. */
    static Tlv expressions(List<Expr> exprs, Map<String, Integer> setIds) {
        Tlv list = new Tlv();
        for (Expr e : exprs) {
            list.nested(Nft.LIST_ELEM, new Tlv().string(EXPR_NAME, e.name()).nested(EXPR_DATA, data(e, setIds)));
        }
        return list;
    }

    private static Tlv value(byte[] b) {
        return new Tlv().attr(Nft.DATA_VALUE, b);
    }

    private static Tlv data(Expr e, Map<String, Integer> setIds) {
        Tlv t = new Tlv();
        if (e instanceof Expr.Payload p) {
            t.u32Be(1, p.dreg()).u32Be(2, p.base().ordinal()).u32Be(3, p.offset()).u32Be(4, p.length());
        } else if (e instanceof Expr.Meta m) {
            t.u32Be(2, m.key()).u32Be(1, m.dreg());
        } else if (e instanceof Expr.MetaSet m) {
            t.u32Be(2, m.key()).u32Be(3, m.sreg());
        } else if (e instanceof Expr.Ct c) {
            t.u32Be(1, c.dreg()).u32Be(2, c.key());
        } else if (e instanceof Expr.Bitwise b) {
            t.u32Be(1, b.sreg()).u32Be(2, b.dreg()).u32Be(3, b.mask().length).nested(4, value(b.mask())).nested(5, value(b.xor()));
        } else if (e instanceof Expr.Cmp c) {
            t.u32Be(1, c.sreg()).u32Be(2, c.op().ordinal()).nested(3, value(c.data()));
        } else if (e instanceof Expr.Lookup l) {
            t.string(1, l.set()).u32Be(2, l.sreg());
            l.dreg().ifPresent(d -> t.u32Be(3, d));
            Integer id = setIds.get(l.set());
            if (id != null) {
                t.u32Be(4, id);
            }
            if (l.invert()) {
                t.u32Be(5, 1);
            }
        } else if (e instanceof Expr.Immediate i) {
            t.u32Be(1, i.dreg());
            if (i.verdict().isPresent()) {
                Verdict v = i.verdict().get();
                Tlv vt = new Tlv().u32Be(Nft.VERDICT_CODE, v.kind().code());
                v.chain().ifPresent(c -> vt.string(Nft.VERDICT_CHAIN, c));
                t.nested(2, new Tlv().nested(Nft.DATA_VERDICT, vt));
            } else {
                t.nested(2, value(i.value()));
            }
        } else if (e instanceof Expr.Counter c) {
            t.u64Be(1, c.bytes()).u64Be(2, c.packets());
        } else if (e instanceof Expr.Numgen n) {
            t.u32Be(1, n.dreg()).u32Be(2, n.modulus()).u32Be(3, n.random() ? 1 : 0).u32Be(4, n.offset());
        } else if (e instanceof Expr.Nat n) {
            t.u32Be(1, n.dnat() ? 1 : 0).u32Be(2, n.family().nfproto());
            if (n.addrReg() != 0) {
                t.u32Be(3, n.addrReg());
            }
            if (n.protoReg() != 0) {
                t.u32Be(5, n.protoReg());
            }
            if (n.flags() != 0) {
                t.u32Be(7, n.flags());
            }
        } else if (e instanceof Expr.Masquerade m) {
            if (m.flags() != 0) {
                t.u32Be(1, m.flags());
            }
        } else if (e instanceof Expr.Reject r) {
            t.u32Be(1, r.type()).attr(2, new byte[] {(byte) r.code()});
        } else if (e instanceof Expr.Fib f) {
            t.u32Be(1, f.dreg()).u32Be(2, f.result()).u32Be(3, f.flags());
        } else if (e instanceof Expr.Dynset d) {
            t.string(1, d.set()).u32Be(3, d.op()).u32Be(4, d.sreg());
            Integer id = setIds.get(d.set());
            if (id != null) {
                t.u32Be(2, id);
            }
            d.timeout().ifPresent(x -> t.u64Be(6, x.toMillis()));
        } else {
            return Tlv.of(((Expr.Raw) e).data());
        }
        return t;
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
            default -> new Expr.Raw(name, raw);
        };
    }
}
