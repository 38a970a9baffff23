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
        /** {@code add}: create, or leave an existing object as it is. */
        ADD,
        /** {@code create}: create; fail if it exists. */
        CREATE,
        /** {@code insert}: put a rule first in its chain. */
        INSERT,
        /** {@code replace}: put a rule in place of the one with its handle. */
        REPLACE,
        /** {@code delete}: remove; fail if it is missing. */
        DELETE,
        /** {@code destroy}: remove if it exists. */
        DESTROY,
        /** {@code flush}: empty a table, chain or set. */
        FLUSH;

        /**
         * How {@code nft} spells the verb.
         *
         * @return e.g. {@code add}
         */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One operation; {@code toString()} is its {@code nft} command. */
    public sealed interface Op permits TableOp, ChainOp, SetOp, ElementsOp, RuleOp {
        /**
         * What the operation does.
         *
         * @return the verb
         */
        Verb verb();
    }

    /**
     * A table operation.
     *
     * @param verb what is done (not insert or replace)
     * @param table the table
     */
    public record TableOp(Verb verb, Table table) implements Op {
        /**
         * Refuses the verbs only rules take.
         *
         * @param verb what is done (not insert or replace)
         * @param table the table
         */
        public TableOp {
            notForRules(verb, "table");
        }

        @Override
        public String toString() {
            return command(verb, table, "table", table.reference());
        }
    }

    /**
     * A chain operation.
     *
     * @param verb what is done (not insert or replace)
     * @param chain the chain
     */
    public record ChainOp(Verb verb, Chain chain) implements Op {
        /**
         * Refuses the verbs only rules take.
         *
         * @param verb what is done (not insert or replace)
         * @param chain the chain
         */
        public ChainOp {
            notForRules(verb, "chain");
        }

        @Override
        public String toString() {
            return command(verb, chain, "chain", chain.reference());
        }
    }

    /**
     * A set or map operation.
     *
     * @param verb what is done (not insert or replace)
     * @param set the set
     */
    public record SetOp(Verb verb, NftSet set) implements Op {
        /**
         * Refuses the verbs only rules take.
         *
         * @param verb what is done (not insert or replace)
         * @param set the set
         */
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
        /**
         * Copies the elements; refuses the verbs only rules take, and flush.
         *
         * @param elements the elements
         * @param set the set
         * @param verb add, create, delete or destroy
         */
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
        /**
         * Refuses create and flush, and a by-handle verb for a rule without a handle.
         *
         * @param rule the rule
         * @param verb add, insert, replace, delete or destroy
         */
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

    /**
     * An empty transaction.
     *
     * @return a new transaction
     */
    public static NftTransaction create() {
        return new NftTransaction();
    }

    /**
     * The operations in order.
     *
     * @return an unmodifiable view
     */
    public List<Op> operations() {
        return Collections.unmodifiableList(ops);
    }

    /**
     * Whether the transaction holds no operation.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /**
     * How many operations the transaction holds.
     *
     * @return the count
     */
    public int size() {
        return ops.size();
    }

    /**
     * {@code add table}: create it unless it exists.
     *
     * @param t the table
     * @return this transaction
     */
    public NftTransaction add(Table t) {
        return op(new TableOp(Verb.ADD, t));
    }

    /**
     * {@code add chain}: create it unless it exists.
     *
     * @param c the chain
     * @return this transaction
     */
    public NftTransaction add(Chain c) {
        return op(new ChainOp(Verb.ADD, c));
    }

    /**
     * {@code add set} or {@code add map}: create it unless it exists.
     *
     * @param s the set
     * @return this transaction
     */
    public NftTransaction add(NftSet s) {
        return op(new SetOp(Verb.ADD, s));
    }

    /**
     * {@code create table}: fails if it exists.
     *
     * @param t the table
     * @return this transaction
     */
    public NftTransaction create(Table t) {
        return op(new TableOp(Verb.CREATE, t));
    }

    /**
     * {@code create chain}: fails if it exists.
     *
     * @param c the chain
     * @return this transaction
     */
    public NftTransaction create(Chain c) {
        return op(new ChainOp(Verb.CREATE, c));
    }

    /**
     * {@code create set}: fails if it exists.
     *
     * @param s the set
     * @return this transaction
     */
    public NftTransaction create(NftSet s) {
        return op(new SetOp(Verb.CREATE, s));
    }

    /**
     * {@code delete table}: fails if it is missing.
     *
     * @param t the table
     * @return this transaction
     */
    public NftTransaction delete(Table t) {
        return op(new TableOp(Verb.DELETE, t));
    }

    /**
     * {@code delete chain}: fails if it is missing or still has rules or references.
     *
     * @param c the chain
     * @return this transaction
     */
    public NftTransaction delete(Chain c) {
        return op(new ChainOp(Verb.DELETE, c));
    }

    /**
     * {@code delete set}: fails if it is missing or in use.
     *
     * @param s the set
     * @return this transaction
     */
    public NftTransaction delete(NftSet s) {
        return op(new SetOp(Verb.DELETE, s));
    }

    /**
     * {@code destroy table}: removes it if it exists.
     *
     * @param t the table
     * @return this transaction
     */
    public NftTransaction destroy(Table t) {
        return op(new TableOp(Verb.DESTROY, t));
    }

    /**
     * {@code destroy chain}: removes it if it exists.
     *
     * @param c the chain
     * @return this transaction
     */
    public NftTransaction destroy(Chain c) {
        return op(new ChainOp(Verb.DESTROY, c));
    }

    /**
     * {@code destroy set}: removes it if it exists.
     *
     * @param s the set
     * @return this transaction
     */
    public NftTransaction destroy(NftSet s) {
        return op(new SetOp(Verb.DESTROY, s));
    }

    /**
     * Deletes every rule of every chain of the table.
     *
     * @param t the table
     * @return this transaction
     */
    public NftTransaction flush(Table t) {
        return op(new TableOp(Verb.FLUSH, t));
    }

    /**
     * Deletes every rule of the chain.
     *
     * @param c the chain
     * @return this transaction
     */
    public NftTransaction flush(Chain c) {
        return op(new ChainOp(Verb.FLUSH, c));
    }

    /**
     * Deletes every element of the set.
     *
     * @param s the set
     * @return this transaction
     */
    public NftTransaction flush(NftSet s) {
        return op(new SetOp(Verb.FLUSH, s));
    }

    /**
     * Appends the rule to its chain.
     *
     * @param r the rule
     * @return this transaction
     */
    public NftTransaction add(Rule r) {
        return op(new RuleOp(Verb.ADD, r));
    }

    /**
     * Prepends the rule to its chain.
     *
     * @param r the rule
     * @return this transaction
     */
    public NftTransaction insert(Rule r) {
        return op(new RuleOp(Verb.INSERT, r));
    }

    /**
     * Puts {@code r} in place of the rule with {@code r}'s handle.
     *
     * @param r the rule, with its handle
     * @return this transaction
     */
    public NftTransaction replace(Rule r) {
        return op(new RuleOp(Verb.REPLACE, r));
    }

    /**
     * Deletes the rule with {@code r}'s handle.
     *
     * @param r the rule, with its handle
     * @return this transaction
     */
    public NftTransaction delete(Rule r) {
        return op(new RuleOp(Verb.DELETE, r));
    }

    /**
     * {@code add element}: adds elements (present ones are left).
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
    public NftTransaction addElements(NftSet s, Element... elements) {
        return addElements(s, Arrays.asList(elements));
    }

    /**
     * {@code add element}: adds elements (present ones are left).
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
    public NftTransaction addElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.ADD, s, canonical(s, elements)));
    }

    /**
     * {@code create element}: adds elements; fails if one is present.
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
    public NftTransaction createElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.CREATE, s, canonical(s, elements)));
    }

    /**
     * {@code delete element}: removes elements; fails if one is missing.
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
    public NftTransaction deleteElements(NftSet s, Element... elements) {
        return deleteElements(s, Arrays.asList(elements));
    }

    /**
     * {@code delete element}: removes elements; fails if one is missing.
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
    public NftTransaction deleteElements(NftSet s, List<Element> elements) {
        return op(new ElementsOp(Verb.DELETE, s, canonical(s, elements)));
    }

    /**
     * {@code destroy element}: removes the elements that are present.
     *
     * @param s the set
     * @param elements the elements
     * @return this transaction
     */
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
     *
     * @param maxOperations the most operations in one part
     * @return this transaction cut into parts of at most {@code maxOperations} operations each, in order
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

    /**
     * {@link #toString()} written to {@code out} one command at a time, never held whole.
     *
     * @param out where the text goes
     * @throws java.io.IOException if writing to {@code out} fails
     */
    public void renderTo(Appendable out) throws java.io.IOException {
        for (Op o : ops) {
            out.append(o.toString()).append('\n');
        }
    }
}
