// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftTransaction.Verb;
import dev.svcproxy.nftables.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction as nf_tables netlink messages, one per operation, except that elements are spread over as many
 * messages as their size needs (a nested attribute holds at most 64 KiB). Sets created in the transaction get a
 * transaction id that later element operations name, as {@code nft} does.
 */
public final class NftEncoder {
    /** Room for one message's elements (a nested attribute's length is 16 bits). */
    static final int ELEMENTS_BYTES = 60_000;

    /** A message and the operation it came from. */
    public record Encoded(MessageBuilder message, NftTransaction.Op op) {
    }

    /** The transaction ids of the sets created in this transaction, by family, table and name. */
    private final Map<String, Integer> setIds = new HashMap<>();
    private int lastSetId;

    /**
     * Anonymous sets' names: a counter, then a suffix unique to this process (the kernel wants a set's name unique in
     * its table and compares names one by one, so they differ early; they never meet nft's {@code __map0}).
     */
    static final String ANONYMOUS_SUFFIX = "_svcp" + Long.toHexString(System.nanoTime() ^ ProcessHandle.current().pid() << 40);
    private static final java.util.concurrent.atomic.AtomicLong ANONYMOUS_NAMES = new java.util.concurrent.atomic.AtomicLong();

    public static List<Encoded> encode(NftTransaction tx) {
        NftEncoder e = new NftEncoder();
        List<Encoded> out = new ArrayList<>();
        for (NftTransaction.Op op : tx.operations()) {
            if (op instanceof NftTransaction.TableOp t) {
                out.add(new Encoded(e.table(t.verb(), t.table(), op::toString), op));
            } else if (op instanceof NftTransaction.ChainOp c) {
                out.add(new Encoded(e.chain(c.verb(), c.chain(), op::toString), op));
            } else if (op instanceof NftTransaction.SetOp s) {
                out.add(new Encoded(e.set(s.verb(), s.set(), op::toString), op));
            } else if (op instanceof NftTransaction.RuleOp r) {
                e.rule(r).forEach(m -> out.add(new Encoded(m, op)));
            } else {
                e.elements((NftTransaction.ElementsOp) op).forEach(m -> out.add(new Encoded(m, op)));
            }
        }
        return out;
    }

    /** A message of nf_tables type {@code msg} for {@code family} (null: every family, for dumps). */
    static MessageBuilder message(int msg, int flags, Family family, String description) {
        return message(msg, flags, family, () -> description);
    }

    /** As above, the description made only if an error needs it. */
    static MessageBuilder message(int msg, int flags, Family family, java.util.function.Supplier<String> description) {
        return new MessageBuilder(Nft.type(msg), flags, description).nfgen(family == null ? 0 : family.nfproto(), 0);
    }

    private static int createFlags(Verb v) {
        return v == Verb.CREATE ? Nft.NLM_F_CREATE | Nft.NLM_F_EXCL : Nft.NLM_F_CREATE;
    }

    private MessageBuilder table(Verb v, Table t, java.util.function.Supplier<String> what) {
        return switch (v) {
            case ADD, CREATE -> {
                MessageBuilder m = message(Nft.NEWTABLE, createFlags(v), t.family(), what).string(Nft.TABLE_NAME, t.name())
                        .u32Be(Nft.TABLE_FLAGS, 0, false);
                t.comment().ifPresent(c -> m.attr(Nft.TABLE_USERDATA, Tlv.userString(Nft.UDATA_COMMENT, c)));
                yield m;
            }
            case DELETE, DESTROY -> message(v == Verb.DELETE ? Nft.DELTABLE : Nft.DESTROYTABLE, 0, t.family(), what)
                    .string(Nft.TABLE_NAME, t.name());
            case FLUSH -> message(Nft.DELRULE, 0, t.family(), what).string(Nft.RULE_TABLE, t.name());
            default -> throw new IllegalStateException(v + " table");
        };
    }

    private MessageBuilder chain(Verb v, Chain c, java.util.function.Supplier<String> what) {
        Family f = c.table().family();
        return switch (v) {
            case ADD, CREATE -> {
                MessageBuilder m = message(Nft.NEWCHAIN, createFlags(v), f, what).string(Nft.CHAIN_TABLE, c.table().name())
                        .string(Nft.CHAIN_NAME, c.name());
                c.hook().ifPresent(h -> {
                    m.beginNested(Nft.CHAIN_HOOK).u32Be(Nft.HOOK_HOOKNUM, h.point().number(), false)
                            .u32Be(Nft.HOOK_PRIORITY, h.priority(), false).endNested();
                    m.u32Be(Nft.CHAIN_POLICY, h.policy().code(), false).string(Nft.CHAIN_TYPE, h.type().keyword());
                });
                c.comment().ifPresent(t -> m.attr(Nft.CHAIN_USERDATA, Tlv.userString(Nft.UDATA_COMMENT, t)));
                yield m;
            }
            case DELETE, DESTROY -> message(v == Verb.DELETE ? Nft.DELCHAIN : Nft.DESTROYCHAIN, 0, f, what)
                    .string(Nft.CHAIN_TABLE, c.table().name()).string(Nft.CHAIN_NAME, c.name());
            case FLUSH -> message(Nft.DELRULE, 0, f, what).string(Nft.RULE_TABLE, c.table().name()).string(Nft.RULE_CHAIN, c.name());
            default -> throw new IllegalStateException(v + " chain");
        };
    }

    private MessageBuilder set(Verb v, NftSet s, java.util.function.Supplier<String> what) {
        Family f = s.table().family();
        return switch (v) {
            case ADD, CREATE -> newSet(s, 0, createFlags(v), what);
            case DELETE, DESTROY -> message(v == Verb.DELETE ? Nft.DELSET : Nft.DESTROYSET, 0, f, what)
                    .string(Nft.SET_TABLE, s.table().name()).string(Nft.SET_NAME, s.name());
            case FLUSH -> elementsHeader(Nft.DELSETELEM, 0, s, what);
            default -> throw new IllegalStateException(v + " set");
        };
    }

    /** A NEWSET message, the set given the next transaction id; {@code kernelFlags} are added to the set's own. */
    private MessageBuilder newSet(NftSet s, int kernelFlags, int messageFlags, java.util.function.Supplier<String> what) {
        int id = ++lastSetId;
        setIds.put(key(s), id);
        int flags = s.flags().stream().mapToInt(NftSet.Flag::bit).sum() | (s.isMap() ? Nft.SET_F_MAP : 0) | kernelFlags;
        MessageBuilder m = message(Nft.NEWSET, messageFlags, s.table().family(), what).string(Nft.SET_TABLE, s.table().name())
                .string(Nft.SET_NAME, s.name()).u32Be(Nft.SET_FLAGS, flags, false)
                .u32Be(Nft.SET_KEY_TYPE, s.keyTypeId(), false).u32Be(Nft.SET_KEY_LEN, s.keyLength(), false);
        s.data().ifPresent(d -> m.u32Be(Nft.SET_DATA_TYPE, d == DataType.VERDICT ? DataType.KERNEL_VERDICT_TYPE : d.id(), false)
                .u32Be(Nft.SET_DATA_LEN, d.length(), false));
        m.u32Be(Nft.SET_ID, id, false);
        s.timeout().ifPresent(t -> m.u64Be(Nft.SET_TIMEOUT, t.toMillis(), false));
        s.size().ifPresent(n -> m.beginNested(Nft.SET_DESC).u32Be(1, n, false).endNested());
        return m.attr(Nft.SET_USERDATA, userData(s));
    }

    /** The set's user data as nft writes it: key (and data) byte order, then the comment; nft list reads values by it. */
    static byte[] userData(NftSet s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(Tlv.userU32(Nft.UDATA_SET_KEYBYTEORDER, s.keyByteOrder()));
        s.data().ifPresent(d -> {
            out.writeBytes(Tlv.userU32(Nft.UDATA_SET_DATABYTEORDER, d.byteOrderTag()));
            out.writeBytes(Tlv.userU32(Nft.UDATA_SET_DATA_INTERVAL, 0));
        });
        s.comment().ifPresent(c -> out.writeBytes(Tlv.userString(Nft.UDATA_SET_COMMENT, c)));
        return out.toByteArray();
    }

    /** A rule's message, after the anonymous sets its lookups carry (each created, filled and named in this batch). */
    private List<MessageBuilder> rule(NftTransaction.RuleOp op) {
        dev.svcproxy.nftables.Rule r = op.rule();
        Family f = r.chain().table().family();
        List<MessageBuilder> out = new ArrayList<>();
        Map<String, String> anonymousNames = new HashMap<>(2);
        if (op.verb() == Verb.ADD || op.verb() == Verb.INSERT || op.verb() == Verb.REPLACE) {
            for (dev.svcproxy.nftables.Expr e : r.exprs()) {
                if (e instanceof dev.svcproxy.nftables.Expr.Lookup l && l.anonymous().isPresent()) {
                    // a name of our own, unique, rather than nft's "__map%d" template: the kernel then finds the set
                    // by name for the elements and the rule, instead of walking the whole batch for its id
                    String name = "__" + Long.toHexString(ANONYMOUS_NAMES.incrementAndGet()) + ANONYMOUS_SUFFIX;
                    NftSet template = l.anonymous().get().set();
                    NftSet anon = new NftSet(template.table(), name, template.key(), template.data(), template.flags(), template.timeout(),
                            template.size(), template.comment());
                    anonymousNames.put(l.set(), name);
                    out.add(newSet(anon, Nft.SET_F_ANONYMOUS, Nft.NLM_F_CREATE, op::toString));
                    out.addAll(elementMessages(Nft.NEWSETELEM, Nft.NLM_F_CREATE, anon,
                            l.anonymous().get().elements().stream().map(x -> x.canonical(anon)).toList(), n -> op.toString()));
                }
            }
        }
        int msg = switch (op.verb()) {
            case DELETE -> Nft.DELRULE;
            case DESTROY -> Nft.DESTROYRULE;
            default -> Nft.NEWRULE;
        };
        int flags = switch (op.verb()) {
            case ADD -> Nft.NLM_F_CREATE | Nft.NLM_F_APPEND;
            case INSERT -> Nft.NLM_F_CREATE;
            case REPLACE -> Nft.NLM_F_REPLACE;
            default -> 0;
        };
        MessageBuilder m = message(msg, flags, f, op::toString).string(Nft.RULE_TABLE, r.chain().table().name())
                .string(Nft.RULE_CHAIN, r.chain().name());
        r.handle().ifPresent(h -> m.u64Be(Nft.RULE_HANDLE, h, false));
        if (msg == Nft.NEWRULE) {
            RuleCodec.expressions(m, r.exprs(), anonymousNames::get,
                    name -> anonymousNames.containsKey(name) ? null : setIds.get(key(r.chain().table(), name)));
            r.comment().ifPresent(c -> m.attr(Nft.RULE_USERDATA, Tlv.userString(Nft.UDATA_COMMENT, c)));
        }
        out.add(m);
        return out;
    }

    private static String key(NftSet s) {
        return key(s.table(), s.name());
    }

    private static String key(Table t, String set) {
        return t.family() + " " + t.name() + " " + set;
    }

    private MessageBuilder elementsHeader(int msg, int flags, NftSet s, java.util.function.Supplier<String> what) {
        MessageBuilder m = message(msg, flags, s.table().family(), what).string(Nft.SET_ELEM_LIST_TABLE, s.table().name())
                .string(Nft.SET_ELEM_LIST_SET, s.name());
        Integer id = setIds.get(key(s));
        if (id != null) {
            m.u32Be(Nft.SET_ELEM_LIST_SET_ID, id, false);
        }
        return m;
    }

    private List<MessageBuilder> elements(NftTransaction.ElementsOp op) {
        int msg = switch (op.verb()) {
            case ADD, CREATE -> Nft.NEWSETELEM;
            case DELETE -> Nft.DELSETELEM;
            case DESTROY -> Nft.DESTROYSETELEM;
            default -> throw new InvalidInputException("elements are added, created, deleted or destroyed", op.toString());
        };
        int flags = msg == Nft.NEWSETELEM ? createFlags(op.verb()) : 0;
        return elementMessages(msg, flags, op.set(), op.elements(), n -> n == op.elements().size() ? op.toString()
                : op.verb().keyword() + " element " + op.set().reference() + " { " + n + " of its elements }");
    }

    /**
     * {@code elements} of {@code set} in as many messages of type {@code msg} as their size needs; {@code describe}
     * names a message holding n of them, if an error needs it.
     */
    private List<MessageBuilder> elementMessages(int msg, int flags, NftSet set, List<Element> elements,
                                                 java.util.function.IntFunction<String> describe) {
        List<MessageBuilder> out = new ArrayList<>();
        List<byte[]> batch = new ArrayList<>();
        int size = 0;
        for (byte[] b : kernelElements(set, elements, msg == Nft.NEWSETELEM)) {
            int entry = 4 + dev.svcproxy.netlink.Netlink.align(b.length); // the list entry's header and padding too
            if (size + entry > ELEMENTS_BYTES && !batch.isEmpty()) {
                out.add(elementsMessage(msg, flags, set, batch, describe));
                batch = new ArrayList<>();
                size = 0;
            }
            batch.add(b);
            size += entry;
        }
        if (!batch.isEmpty()) {
            out.add(elementsMessage(msg, flags, set, batch, describe));
        }
        return out;
    }

    private MessageBuilder elementsMessage(int msg, int flags, NftSet set, List<byte[]> elements,
                                           java.util.function.IntFunction<String> describe) {
        int n = elements.size();
        MessageBuilder m = elementsHeader(msg, flags, set, () -> describe.apply(n));
        m.beginNested(Nft.SET_ELEM_LIST_ELEMENTS);
        elements.forEach(b -> m.attr(Nft.LIST_ELEM | dev.svcproxy.netlink.Netlink.NLA_F_NESTED, b));
        return m.endNested();
    }

    /**
     * The kernel's elements for {@code elements}: one each, except in an interval set of addresses, where an
     * interval is a start element and an end element one past its last address (none if it ends at the last
     * address), and an addition starts, as {@code nft}'s does, with an end element at 0 unless an interval starts there.
     */
    static List<byte[]> kernelElements(NftSet s, List<Element> elements, boolean full) {
        List<byte[]> out = new ArrayList<>();
        if (!s.isAddressIntervals()) {
            elements.forEach(e -> out.add(element(s, s.encodeKey(e.key()), 0, e, full)));
            return out;
        }
        DataType t = s.key().get(0);
        List<Element> sorted = new ArrayList<>(elements);
        sorted.sort(s.printOrder());
        boolean zeroStarts = sorted.stream().anyMatch(e -> IntervalKeys.first(t, e).signum() == 0);
        if (full && !sorted.isEmpty() && !zeroStarts) {
            out.add(element(s, new byte[t.length()], Nft.SET_ELEM_INTERVAL_END, null, false));
        }
        for (Element e : sorted) {
            java.math.BigInteger first = IntervalKeys.first(t, e);
            java.math.BigInteger last = IntervalKeys.last(t, e);
            out.add(element(s, IntervalKeys.bytes(t, first), 0, e, full));
            if (!IntervalKeys.isMax(t, last)) {
                out.add(element(s, IntervalKeys.bytes(t, last.add(java.math.BigInteger.ONE)), Nft.SET_ELEM_INTERVAL_END, null, false));
            }
        }
        return out;
    }

    /** One element's attributes (the body of its list entry); a deletion needs only the key. */
    static byte[] element(NftSet s, Element e, boolean full) {
        return element(s, s.encodeKey(e.key()), 0, e, full);
    }

    private static byte[] element(NftSet s, byte[] key, int flags, Element e, boolean full) {
        Tlv t = new Tlv();
        if (flags != 0) {
            t.u32Be(Nft.SET_ELEM_FLAGS, flags);
        }
        if (e == null) {
            return t.nested(Nft.SET_ELEM_KEY, new Tlv().attr(Nft.DATA_VALUE, key)).bytes();
        }
        if (full) {
            e.timeout().ifPresent(d -> t.u64Be(Nft.SET_ELEM_TIMEOUT, d.toMillis()));
        }
        t.nested(Nft.SET_ELEM_KEY, new Tlv().attr(Nft.DATA_VALUE, key));
        if (full) {
            e.verdict().ifPresent(v -> {
                Tlv vt = new Tlv().u32Be(Nft.VERDICT_CODE, v.kind().code());
                v.chain().ifPresent(c -> vt.string(Nft.VERDICT_CHAIN, c));
                t.nested(Nft.SET_ELEM_DATA, new Tlv().nested(Nft.DATA_VERDICT, vt));
            });
            if (!e.value().isEmpty()) {
                t.nested(Nft.SET_ELEM_DATA, new Tlv().attr(Nft.DATA_VALUE, s.encodeValue(e.value())));
            }
            e.comment().ifPresent(c -> t.attr(Nft.SET_ELEM_USERDATA, Tlv.userString(Nft.UDATA_COMMENT, c)));
        }
        return t.bytes();
    }
}
