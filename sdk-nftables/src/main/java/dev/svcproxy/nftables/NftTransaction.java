// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Verbs on tables, chains, sets and elements, applied by {@link NftablesClient#apply} as ONE nf_tables batch: all
 * of them or none. {@code add} creates or leaves an existing object as it is; {@code create} fails if it exists;
 * {@code delete} fails if it is missing and {@code destroy} does not; {@code flush} empties a table or chain of its
 * rules, or a set of its elements. {@code toString()} is the {@code nft -f} script of the same transaction.
 * Not thread-safe.
 */
public final class NftTransaction {

    /** What an operation does. */
    public enum Verb {
        ADD, CREATE, INSERT, REPLACE, DELETE, DESTROY, FLUSH;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One operation; {@code toString()} is its {@code nft} command. */
    public sealed interface Op permits TableOp, ChainOp, SetOp, ElementsOp, RuleOp {
        Verb verb();
    }

    public record TableOp(Verb verb, Table table) implements Op {
        public TableOp {
            notForRules(verb, "table");
        }

        @Override
        public String toString() {
            return command(verb, table, "table", table.reference());
        }
    }

    public record ChainOp(Verb verb, Chain chain) implements Op {
        public ChainOp {
            notForRules(verb, "chain");
        }

        @Override
        public String toString() {
            return command(verb, chain, "chain", chain.reference());
        }
    }

    public record SetOp(Verb verb, NftSet set) implements Op {
        public SetOp {
            notForRules(verb, "set");
        }

        @Override
        public String toString() {
            return command(verb, set, set.isMap() ? "map" : "set", set.reference());
        }
    }

    /** Elements added to ({@code add}, {@code create}) or removed from ({@code delete}, {@code destroy}) a set. */
    public record ElementsOp(Verb verb, NftSet set, List<Element> elements) implements Op {
        public ElementsOp {
            elements = List.copyOf(elements);
            notForRules(verb, "element");
            if (verb == Verb.FLUSH) {
                throw new dev.svcproxy.api.InvalidInputException("flush takes a set, not elements", "flush element");
            }
        }

        @Override
        public String toString() {
            return verb.keyword() + " element " + set.reference() + " { "
                    + elements.stream().map(Element::toString).collect(Collectors.joining(", ")) + " }";
        }
    }

    /**
     * A rule appended ({@code add}) or prepended ({@code insert}) to its chain, put in place of the rule with its
     * handle ({@code replace}), or deleted by its handle ({@code delete}, {@code destroy}).
     */
    public record RuleOp(Verb verb, Rule rule) implements Op {
        public RuleOp {
            boolean byHandle = verb == Verb.REPLACE || verb == Verb.DELETE || verb == Verb.DESTROY;
            if (byHandle && rule.handle().isEmpty()) {
                throw new dev.svcproxy.api.InvalidInputException("needs the rule's handle (list the chain to learn it)",
                        verb.keyword() + " rule " + rule.chain().reference());
            }
            if (verb == Verb.CREATE || verb == Verb.FLUSH) {
                throw new dev.svcproxy.api.InvalidInputException("a rule is added, inserted, replaced or deleted", verb.keyword() + " rule");
            }
        }

        @Override
        public String toString() {
            String where = rule.chain().reference() + rule.handle().map(h -> " handle " + h).orElse("");
            return verb == Verb.DELETE || verb == Verb.DESTROY ? verb.keyword() + " rule " + where
                    : verb.keyword() + " rule " + where + " " + rule.statements();
        }
    }

    /** {@code add OBJECT-DECLARATION}, or {@code delete KIND REFERENCE} for the verbs that name an object. */
    private static String command(Verb verb, Object declaration, String kind, String reference) {
        return verb == Verb.ADD || verb == Verb.CREATE ? verb.keyword() + " " + declaration : verb.keyword() + " " + kind + " " + reference;
    }

    private static void notForRules(Verb verb, String what) {
        if (verb == Verb.INSERT || verb == Verb.REPLACE) {
            throw new dev.svcproxy.api.InvalidInputException("only rules are inserted or replaced", verb.keyword() + " " + what);
        }
    }

    private final List<Op> ops = new ArrayList<>();

    public static NftTransaction create() {
        return new NftTransaction();
    }

    public List<Op> operations() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public int size() {
        return ops.size();
    }

    public NftTransaction add(Table t) {
        return op(new TableOp(Verb.ADD, t));
    }

    public NftTransaction add(Chain c) {
        return op(new ChainOp(Verb.ADD, c));
    }

    public NftTransaction add(NftSet s) {
        return op(new SetOp(Verb.ADD, s));
    }

    public NftTransaction create(Table t) {
        return op(new TableOp(Verb.CREATE, t));
    }

    public NftTransaction create(Chain c) {
        return op(new ChainOp(Verb.CREATE, c));
    }

    public NftTransaction create(NftSet s) {
        return op(new SetOp(Verb.CREATE, s));
    }

    public NftTransaction delete(Table t) {
        return op(new TableOp(Verb.DELETE, t));
    }

    public NftTransaction delete(Chain c) {
        return op(new ChainOp(Verb.DELETE, c));
    }

    public NftTransaction delete(NftSet s) {
        return op(new SetOp(Verb.DELETE, s));
    }

    public NftTransaction destroy(Table t) {
        return op(new TableOp(Verb.DESTROY, t));
    }

    public NftTransaction destroy(Chain c) {
        return op(new ChainOp(Verb.DESTROY, c));
    }

    public NftTransaction destroy(NftSet s) {
        return op(new SetOp(Verb.DESTROY, s));
    }

    /** Deletes every rule of every chain of the table. */
    public NftTransaction flush(Table t) {
        return op(new TableOp(Verb.FLUSH, t));
    }

    /** Deletes every rule of the chain. */
    public NftTransaction flush(Chain c) {
        return op(new ChainOp(Verb.FLUSH, c));
    }

    /** Deletes every element of the set. */
    public NftTransaction flush(NftSet s) {
        return op(new SetOp(Verb.FLUSH, s));
    }

    /** Appends the rule to its chain. */
    public NftTransaction add(Rule r) {
        return op(new RuleOp(Verb.ADD, r));
    }

    /** Prepends the rule to its chain. */
    public NftTransaction insert(Rule r) {
        return op(new RuleOp(Verb.INSERT, r));
    }

    /** Puts {@code r} in place of the rule with {@code r}'s handle. */
    public NftTransaction replace(Rule r) {
        return op(new RuleOp(Verb.REPLACE, r));
    }

    /** Deletes the rule with {@code r}'s handle. */
    public NftTransaction delete(Rule r) {
        return op(new RuleOp(Verb.DELETE, r));
    }

    public NftTransaction addElements(NftSet s, Element... elements) {
        return addElements(s, Arrays.asList(elements));
    }

    public NftTransaction addElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.ADD, s, canonical(s, elements)));
    }

    public NftTransaction createElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.CREATE, s, canonical(s, elements)));
    }

    public NftTransaction deleteElements(NftSet s, Element... elements) {
        return deleteElements(s, Arrays.asList(elements));
    }

    public NftTransaction deleteElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.DELETE, s, canonical(s, elements)));
    }

    public NftTransaction destroyElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.DESTROY, s, canonical(s, elements)));
    }

    /** Checked against the set's types now, so a wrong element fails here, naming itself, before anything is sent. */
    private static List<Element> canonical(NftSet s, List<Element> elements) {
        boolean verdictMap = s.data().map(d -> d == DataType.VERDICT).orElse(false);
        for (Element e : elements) {
            if (verdictMap != e.verdict().isPresent() || !verdictMap && s.isMap() == e.value().isEmpty()) {
                throw new dev.svcproxy.api.InvalidInputException("does not fit " + (s.isMap() ? "map" : "set") + " "
                        + s.reference() + " (" + s.typeText() + ")", "element " + e);
            }
        }
        return elements.stream().map(e -> e.canonical(s)).toList();
    }

    /**
     * This transaction cut into parts of at most {@code maxOperations} operations each, in order. Applying the parts
     * one after the other gives the same end state, but each part is atomic by itself only: meant for loading a large
     * table into an empty namespace, where no traffic depends on it yet. The kernel's cost of one transaction grows
     * faster than its size (it looks up sets created in the same batch by walking the batch), so parts are much
     * faster for hundreds of thousands of operations.
     */
    public List<NftTransaction> split(int maxOperations) {
        if (maxOperations < 1) {
            throw new dev.svcproxy.api.InvalidInputException("must be at least 1", "maxOperations " + maxOperations);
        }
        List<NftTransaction> parts = new ArrayList<>();
        for (int i = 0; i < ops.size(); i += maxOperations) {
            NftTransaction t = new NftTransaction();
            t.ops.addAll(ops.subList(i, Math.min(ops.size(), i + maxOperations)));
            parts.add(t);
        }
        return parts;
    }

    private NftTransaction op(Op op) {
        ops.add(op);
        return this;
    }

    /** The {@code nft -f} script: one command per line. */
    @Override
    public String toString() {
        return ops.stream().map(o -> o + "\n").collect(Collectors.joining());
    }

    /** {@link #toString()} written to {@code out} one command at a time, never held whole. */
    public void renderTo(Appendable out) throws java.io.IOException {
        for (Op o : ops) {
            out.append(o.toString()).append('\n');
        }
    }
}
