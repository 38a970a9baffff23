// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.netlink.Attributes;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.Verdict;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** nf_tables netlink replies decoded into the typed model; a malformed reply throws {@link MalformedMessageException}. */
final class NftDecoder {
    private NftDecoder() {
    }

    static Family family(NetlinkMessage m) {
        if (m.payload().remaining() < 4) {
            throw new MalformedMessageException("nf_tables message of " + m.payload().remaining() + " bytes has no nfgenmsg header");
        }
        return Family.ofNfproto(m.payload().get(0) & 0xff);
    }

    static Optional<Table> table(NetlinkMessage m) {
        int nfproto = m.payload().get(0) & 0xff;
        if (nfproto != Family.IP.nfproto() && nfproto != Family.IP6.nfproto() && nfproto != Family.INET.nfproto()) {
            return Optional.empty(); // arp, bridge, netdev tables: not ours to model
        }
        Attributes a = m.attributes(4);
        Optional<String> comment = a.has(Nft.TABLE_USERDATA) ? Tlv.userString(a.bytes(Nft.TABLE_USERDATA), Nft.UDATA_COMMENT)
                : Optional.empty();
        return Optional.of(new Table(family(m), a.string(Nft.TABLE_NAME), comment));
    }

    static Chain chain(Attributes a, Table table) {
        Optional<Chain.Hook> hook = Optional.empty();
        if (a.has(Nft.CHAIN_HOOK) && a.has(Nft.CHAIN_TYPE)) {
            Attributes h = a.nested(Nft.CHAIN_HOOK);
            Chain.HookPoint point = Chain.HookPoint.values()[(int) h.u32Be(Nft.HOOK_HOOKNUM)];
            Chain.Type type = Chain.Type.valueOf(a.string(Nft.CHAIN_TYPE).toUpperCase(java.util.Locale.ROOT));
            Verdict.Kind policy = a.has(Nft.CHAIN_POLICY) ? Verdict.Kind.ofCode((int) a.u32Be(Nft.CHAIN_POLICY)) : Verdict.Kind.ACCEPT;
            hook = Optional.of(new Chain.Hook(type, point, (int) h.u32Be(Nft.HOOK_PRIORITY), policy));
        }
        Optional<String> comment = a.has(Nft.CHAIN_USERDATA) ? Tlv.userString(a.bytes(Nft.CHAIN_USERDATA), Nft.UDATA_COMMENT)
                : Optional.empty();
        return new Chain(table, a.string(Nft.CHAIN_NAME), hook, comment);
    }

    /** The set, or empty for an anonymous set (it belongs to a rule). */
    static Optional<NftSet> set(Attributes a, Table table) {
        long kernelFlags = a.has(Nft.SET_FLAGS) ? a.u32Be(Nft.SET_FLAGS) : 0;
        if ((kernelFlags & Nft.SET_F_ANONYMOUS) != 0) {
            return Optional.empty();
        }
        String name = a.string(Nft.SET_NAME);
        List<DataType> key = types(a.u32Be(Nft.SET_KEY_TYPE));
        Optional<DataType> data = Optional.empty();
        if ((kernelFlags & Nft.SET_F_MAP) != 0) {
            long dt = a.u32Be(Nft.SET_DATA_TYPE);
            data = Optional.of(dt == DataType.KERNEL_VERDICT_TYPE ? DataType.VERDICT : DataType.ofId((int) dt));
        }
        EnumSet<NftSet.Flag> flags = EnumSet.noneOf(NftSet.Flag.class);
        for (NftSet.Flag f : NftSet.Flag.values()) {
            if ((kernelFlags & f.bit()) != 0) {
                flags.add(f);
            }
        }
        Optional<Duration> timeout = a.has(Nft.SET_TIMEOUT) ? Optional.of(Duration.ofMillis(a.u64Be(Nft.SET_TIMEOUT))) : Optional.empty();
        Optional<String> comment = a.has(Nft.SET_USERDATA) ? Tlv.userString(a.bytes(Nft.SET_USERDATA), Nft.UDATA_SET_COMMENT)
                : Optional.empty();
        Optional<Integer> size = a.nestedIfPresent(Nft.SET_DESC).filter(d -> d.has(1)).map(d -> (int) d.u32Be(1));
        NftSet s = new NftSet(table, name, key, data, flags, timeout, size, comment);
        if (a.has(Nft.SET_KEY_LEN) && a.u32Be(Nft.SET_KEY_LEN) != s.keyLength()) {
            throw new MalformedMessageException("set " + name + ": key length " + a.u32Be(Nft.SET_KEY_LEN) + " does not match "
                    + s.typeText());
        }
        return Optional.of(s);
    }

    /** An anonymous set (one a rule holds inline), if its types are ones this SDK models. */
    static Optional<NftSet> anonymousSet(Attributes a, Table table) {
        try {
            Optional<DataType> data = Optional.empty();
            if ((a.u32Be(Nft.SET_FLAGS) & Nft.SET_F_MAP) != 0) {
                long dt = a.u32Be(Nft.SET_DATA_TYPE);
                data = Optional.of(dt == DataType.KERNEL_VERDICT_TYPE ? DataType.VERDICT : DataType.ofId((int) dt));
            }
            return Optional.of(new NftSet(table, a.string(Nft.SET_NAME), types(a.u32Be(Nft.SET_KEY_TYPE)), data,
                    (a.u32Be(Nft.SET_FLAGS) & NftSet.Flag.INTERVAL.bit()) != 0 ? EnumSet.of(NftSet.Flag.CONSTANT, NftSet.Flag.INTERVAL)
                            : EnumSet.of(NftSet.Flag.CONSTANT), Optional.empty(), Optional.empty(), Optional.empty()));
        } catch (RuntimeException e) {
            return Optional.empty(); // a type this SDK does not model: the lookup prints the set's name instead
        }
    }

    /** A rule; a lookup into one of {@code anonymous} carries that set's elements. */
    static dev.svcproxy.nftables.Rule rule(Attributes a, Chain chain, java.util.Map<String, dev.svcproxy.nftables.SetContents> anonymous) {
        List<dev.svcproxy.nftables.Expr> exprs = new ArrayList<>();
        for (dev.svcproxy.nftables.Expr e : RuleCodec.decode(a)) {
            if (e instanceof dev.svcproxy.nftables.Expr.Lookup l && anonymous.containsKey(l.set())) {
                e = new dev.svcproxy.nftables.Expr.Lookup(l.sreg(), l.set(), l.dreg(), l.invert(), Optional.of(anonymous.get(l.set())));
            }
            exprs.add(e);
        }
        Optional<String> comment = a.has(Nft.RULE_USERDATA) ? Tlv.userString(a.bytes(Nft.RULE_USERDATA), Nft.UDATA_COMMENT) : Optional.empty();
        return new dev.svcproxy.nftables.Rule(chain, exprs, comment, Optional.of(a.u64Be(Nft.RULE_HANDLE)));
    }

    /** nft's packed type id (6 bits per concatenated type) as the list of types. */
    static List<DataType> types(long id) {
        List<DataType> out = new ArrayList<>();
        long rest = id;
        do {
            out.add(DataType.ofId((int) (rest & 0x3f)));
            rest >>>= 6;
        } while (rest != 0);
        Collections.reverse(out);
        return out;
    }

    /** The elements of a GETSETELEM reply. */
    static List<Element> elements(NetlinkMessage m, NftSet set) {
        Attributes a = m.attributes(4);
        List<Element> out = new ArrayList<>();
        if (!a.has(Nft.SET_ELEM_LIST_ELEMENTS)) {
            return out;
        }
        for (ByteBuffer item : a.nested(Nft.SET_ELEM_LIST_ELEMENTS).all(Nft.LIST_ELEM)) {
            out.add(element(Attributes.parse(item), set));
        }
        return out;
    }

    /** A kernel element of an interval set: where it is, whether it ends an interval, and its data (on a start). */
    record Boundary(java.math.BigInteger at, boolean end, Element element) {
    }

    /** The boundaries in a GETSETELEM reply of an interval set of addresses. */
    static List<Boundary> boundaries(NetlinkMessage m, NftSet set) {
        Attributes a = m.attributes(4);
        List<Boundary> out = new ArrayList<>();
        if (!a.has(Nft.SET_ELEM_LIST_ELEMENTS)) {
            return out;
        }
        DataType t = set.key().get(0);
        for (ByteBuffer item : a.nested(Nft.SET_ELEM_LIST_ELEMENTS).all(Nft.LIST_ELEM)) {
            Attributes e = Attributes.parse(item);
            byte[] key = e.nested(Nft.SET_ELEM_KEY).bytes(Nft.DATA_VALUE);
            if (key.length != t.length()) {
                throw new MalformedMessageException("element of " + set.reference() + ": " + key.length + " bytes, " + t + " has " + t.length());
            }
            boolean end = e.has(Nft.SET_ELEM_FLAGS) && (e.u32Be(Nft.SET_ELEM_FLAGS) & Nft.SET_ELEM_INTERVAL_END) != 0;
            out.add(new Boundary(new java.math.BigInteger(1, key), end, end ? null : element(e, set, List.of(t.format(key)))));
        }
        return out;
    }

    /** Start and end boundaries paired into intervals, in order: an interval with no end runs to the last address. */
    static List<Element> intervals(List<Boundary> all, NftSet set) {
        DataType t = set.key().get(0);
        List<Boundary> sorted = new ArrayList<>(all);
        // at one address an interval's end comes before the next interval's start (adjacent intervals share it)
        sorted.sort(java.util.Comparator.comparing(Boundary::at).thenComparing(b -> !b.end()));
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Boundary b = sorted.get(i);
            if (b.end()) {
                continue;
            }
            java.math.BigInteger last = i + 1 < sorted.size() ? sorted.get(i + 1).at().subtract(java.math.BigInteger.ONE)
                    : new java.math.BigInteger(1, filled(t.length()));
            Element e = b.element();
            out.add(new Element(List.of(IntervalKeys.format(t, new IntervalKeys.Interval(b.at(), last))), e.verdict(), e.value(),
                    e.timeout(), e.comment()));
        }
        return out;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xff);
        return b;
    }

    static Element element(Attributes e, NftSet set) {
        return element(e, set, values(set.key(), e.nested(Nft.SET_ELEM_KEY).bytes(Nft.DATA_VALUE), set));
    }

    private static Element element(Attributes e, NftSet set, List<String> key) {
        Optional<Verdict> verdict = Optional.empty();
        List<String> value = List.of();
        if (e.has(Nft.SET_ELEM_DATA)) {
            Attributes d = e.nested(Nft.SET_ELEM_DATA);
            if (d.has(Nft.DATA_VERDICT)) {
                Attributes v = d.nested(Nft.DATA_VERDICT);
                Verdict.Kind kind = Verdict.Kind.ofCode((int) v.u32Be(Nft.VERDICT_CODE));
                verdict = Optional.of(new Verdict(kind, v.has(Nft.VERDICT_CHAIN) ? Optional.of(v.string(Nft.VERDICT_CHAIN)) : Optional.empty()));
            } else {
                value = values(List.of(set.data().orElseThrow()), d.bytes(Nft.DATA_VALUE), set);
            }
        }
        Optional<Duration> timeout = e.has(Nft.SET_ELEM_TIMEOUT) ? Optional.of(Duration.ofMillis(e.u64Be(Nft.SET_ELEM_TIMEOUT)))
                : Optional.empty();
        Optional<String> comment = e.has(Nft.SET_ELEM_USERDATA) ? Tlv.userString(e.bytes(Nft.SET_ELEM_USERDATA), Nft.UDATA_COMMENT)
                : Optional.empty();
        return new Element(key, verdict, value, timeout, comment);
    }

    private static List<String> values(List<DataType> types, byte[] bytes, NftSet set) {
        List<String> out = new ArrayList<>();
        int at = 0;
        for (DataType t : types) {
            int len = types.size() == 1 ? t.length() : (t.length() + 3) & ~3;
            if (at + t.length() > bytes.length) {
                throw new MalformedMessageException("element of " + set.reference() + ": " + bytes.length + " bytes, "
                        + set.typeText() + " needs more");
            }
            out.add(t.format(Arrays.copyOfRange(bytes, at, at + t.length())));
            at += len;
        }
        return out;
    }
}
