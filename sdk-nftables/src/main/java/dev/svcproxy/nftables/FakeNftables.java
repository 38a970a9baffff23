// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link NftablesClient} for tests, held to the same compatibility kit as the kernel client: a
 * transaction applies whole or not at all; {@code create} of an existing object, {@code delete} of a missing one,
 * an element or rule naming a missing chain or set, a chain or set still named by a rule or map element are refused
 * with the kernel's typed errors; a deleted chain takes its rules with it, as in the kernel.
 * Elements are listed in insertion order. Thread-safe.
 */
public final class FakeNftables implements NftablesClient {

    private static final class TableState {
        Table table;
        final Map<String, Chain> chains = new LinkedHashMap<>();
        final Map<String, NftSet> sets = new LinkedHashMap<>();
        final Map<String, Map<List<String>, Element>> elements = new LinkedHashMap<>();
        final Map<String, List<Rule>> rules = new LinkedHashMap<>(); // by chain; a deleted chain takes its rules
        long nextHandle = 1;

        TableState(Table table) {
            this.table = table;
        }

        TableState copy() {
            TableState t = new TableState(table);
            t.chains.putAll(chains);
            t.sets.putAll(sets);
            elements.forEach((k, v) -> t.elements.put(k, new LinkedHashMap<>(v)));
            rules.forEach((k, v) -> t.rules.put(k, new ArrayList<>(v)));
            t.nextHandle = nextHandle;
            return t;
        }

        boolean ruleUses(java.util.function.Predicate<Expr> p) {
            return rules.values().stream().flatMap(List::stream).flatMap(r -> r.exprs().stream()).anyMatch(p);
        }
    }

    private Map<String, TableState> tables = new LinkedHashMap<>();

    private static String id(Table t) {
        return t.family() + " " + t.name();
    }

    @Override
    public synchronized void apply(NftTransaction tx) {
        tables = run(tx);
    }

    @Override
    public synchronized void check(NftTransaction tx) {
        run(tx);
    }

    /** The state after {@code tx}, built on a copy: the live state changes only if every operation succeeds. */
    private Map<String, TableState> run(NftTransaction tx) {
        Map<String, TableState> next = new LinkedHashMap<>();
        tables.forEach((k, v) -> next.put(k, v.copy()));
        for (NftTransaction.Op op : tx.operations()) {
            if (op instanceof NftTransaction.TableOp t) {
                table(next, t.verb(), t.table(), op);
            } else if (op instanceof NftTransaction.ChainOp c) {
                chain(next, c.verb(), c.chain(), op);
            } else if (op instanceof NftTransaction.SetOp s) {
                set(next, s.verb(), s.set(), op);
            } else if (op instanceof NftTransaction.RuleOp r) {
                rule(next, r);
            } else {
                elements(next, (NftTransaction.ElementsOp) op);
            }
        }
        return next;
    }

    private static SvcProxyException missing(String what, NftTransaction.Op op) {
        return new NotFoundException("ENOENT (No such file or directory): " + what, op.toString());
    }

    private static void table(Map<String, TableState> s, NftTransaction.Verb v, Table t, NftTransaction.Op op) {
        TableState have = s.get(id(t));
        switch (v) {
            case ADD, CREATE -> {
                if (have != null && v == NftTransaction.Verb.CREATE) {
                    throw new AlreadyExistsException("EEXIST (File exists)", op.toString());
                }
                if (have == null) {
                    s.put(id(t), new TableState(t));
                } else if (t.comment().isPresent()) {
                    have.table = t;
                }
            }
            case DELETE, DESTROY -> {
                if (have == null && v == NftTransaction.Verb.DELETE) {
                    throw missing("no such table", op);
                }
                s.remove(id(t));
            }
            case FLUSH -> {
                if (have == null) {
                    throw missing("no such table", op);
                }
                have.rules.values().forEach(List::clear);
            }
            default -> throw new IllegalStateException(v + " table");
        }
    }

    private static TableState tableOf(Map<String, TableState> s, Table t, NftTransaction.Op op) {
        TableState ts = s.get(id(t));
        if (ts == null) {
            throw missing("no such table " + t.reference(), op);
        }
        return ts;
    }

    private static void chain(Map<String, TableState> s, NftTransaction.Verb v, Chain c, NftTransaction.Op op) {
        TableState ts = tableOf(s, c.table(), op);
        Chain have = ts.chains.get(c.name());
        switch (v) {
            case ADD, CREATE -> {
                if (have != null && v == NftTransaction.Verb.CREATE) {
                    throw new AlreadyExistsException("EEXIST (File exists)", op.toString());
                }
                if (have == null) {
                    ts.chains.put(c.name(), c);
                }
            }
            case DELETE, DESTROY -> {
                if (have == null) {
                    if (v == NftTransaction.Verb.DELETE) {
                        throw missing("no such chain", op);
                    }
                    return;
                }
                boolean named = ts.elements.values().stream().flatMap(m -> m.values().stream())
                        .anyMatch(e -> e.verdict().flatMap(Verdict::chain).map(c.name()::equals).orElse(false))
                        || ts.ruleUses(e -> e instanceof Expr.Immediate i && i.verdict().flatMap(Verdict::chain).map(c.name()::equals).orElse(false));
                if (named) {
                    throw new BusyException("EBUSY (Device or resource busy): a rule or map element jumps to it", op.toString());
                }
                ts.chains.remove(c.name());
                ts.rules.remove(c.name());
            }
            case FLUSH -> {
                if (have == null) {
                    throw missing("no such chain", op);
                }
                ts.rules.getOrDefault(c.name(), new ArrayList<>()).clear();
            }
            default -> throw new IllegalStateException(v + " chain");
        }
    }

    private static void set(Map<String, TableState> s, NftTransaction.Verb v, NftSet set, NftTransaction.Op op) {
        TableState ts = tableOf(s, set.table(), op);
        NftSet have = ts.sets.get(set.name());
        switch (v) {
            case ADD, CREATE -> {
                if (have != null && (v == NftTransaction.Verb.CREATE || !same(have, set))) {
                    throw new AlreadyExistsException("EEXIST (File exists)" + (v == NftTransaction.Verb.ADD ? ": a set of that name has another type" : ""),
                            op.toString());
                }
                if (have == null) {
                    ts.sets.put(set.name(), set);
                    ts.elements.put(set.name(), new LinkedHashMap<>());
                }
            }
            case DELETE, DESTROY -> {
                if (have == null) {
                    if (v == NftTransaction.Verb.DELETE) {
                        throw missing("no such set", op);
                    }
                    return;
                }
                if (ts.ruleUses(e -> e instanceof Expr.Lookup l && l.anonymous().isEmpty() && l.set().equals(set.name())
                        || e instanceof Expr.Dynset d && d.set().equals(set.name()))) {
                    throw new BusyException("EBUSY (Device or resource busy): a rule uses it", op.toString());
                }
                ts.sets.remove(set.name());
                ts.elements.remove(set.name());
            }
            case FLUSH -> {
                if (have == null) {
                    throw missing("no such set", op);
                }
                ts.elements.get(set.name()).clear();
            }
            default -> throw new IllegalStateException(v + " set");
        }
    }

    private static void rule(Map<String, TableState> s, NftTransaction.RuleOp op) {
        Rule r = op.rule();
        TableState ts = tableOf(s, r.chain().table(), op);
        if (!ts.chains.containsKey(r.chain().name())) {
            throw missing("no such chain " + r.chain().name(), op);
        }
        List<Rule> list = ts.rules.computeIfAbsent(r.chain().name(), k -> new ArrayList<>());
        int at = -1;
        if (r.handle().isPresent()) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).handle().equals(r.handle())) {
                    at = i;
                }
            }
        }
        switch (op.verb()) {
            case ADD, INSERT, REPLACE -> {
                for (Expr e : r.exprs()) {
                    String chain = e instanceof Expr.Immediate i ? i.verdict().flatMap(Verdict::chain).orElse(null) : null;
                    if (chain != null && !ts.chains.containsKey(chain)) {
                        throw missing("no such chain " + chain, op);
                    }
                    String set = e instanceof Expr.Lookup l && l.anonymous().isEmpty() ? l.set() : e instanceof Expr.Dynset d ? d.set() : null;
                    if (set != null && !ts.sets.containsKey(set)) {
                        throw missing("no such set " + set, op);
                    }
                }
                if (op.verb() == NftTransaction.Verb.REPLACE && at < 0) {
                    throw missing("no rule with handle " + r.handle().orElseThrow(), op);
                }
                Rule stored = new Rule(r.chain(), r.exprs(), r.comment(),
                        Optional.of(op.verb() == NftTransaction.Verb.REPLACE ? r.handle().orElseThrow() : ts.nextHandle++));
                if (op.verb() == NftTransaction.Verb.REPLACE) {
                    list.set(at, stored);
                } else if (op.verb() == NftTransaction.Verb.INSERT) {
                    list.add(0, stored);
                } else {
                    list.add(stored);
                }
            }
            case DELETE, DESTROY -> {
                if (at < 0) {
                    if (op.verb() == NftTransaction.Verb.DELETE) {
                        throw missing("no rule with handle " + r.handle().orElseThrow(), op);
                    }
                    return;
                }
                list.remove(at);
            }
            default -> throw new IllegalStateException(op.verb() + " rule");
        }
    }

    private static boolean same(NftSet a, NftSet b) {
        return a.key().equals(b.key()) && a.data().equals(b.data()) && a.flags().equals(b.flags());
    }

    private static void elements(Map<String, TableState> s, NftTransaction.ElementsOp op) {
        TableState ts = tableOf(s, op.set().table(), op);
        NftSet set = ts.sets.get(op.set().name());
        if (set == null) {
            throw missing("no such set", op);
        }
        Map<List<String>, Element> have = ts.elements.get(set.name());
        for (Element e : op.elements()) {
            switch (op.verb()) {
                case ADD, CREATE -> {
                    if (have.containsKey(e.key()) && op.verb() == NftTransaction.Verb.CREATE) {
                        throw new AlreadyExistsException("EEXIST (File exists)", op.toString());
                    }
                    Optional<String> target = e.verdict().flatMap(Verdict::chain);
                    if (target.isPresent() && !ts.chains.containsKey(target.get())) {
                        throw missing("no such chain " + target.get(), op);
                    }
                    have.putIfAbsent(e.key(), e);
                }
                case DELETE, DESTROY -> {
                    if (have.remove(e.key()) == null && op.verb() == NftTransaction.Verb.DELETE) {
                        throw missing("no such element", op);
                    }
                }
                case FLUSH -> throw new IllegalStateException("flush takes a set");
            }
        }
    }

    @Override
    public synchronized List<Table> tables() {
        return tables.values().stream().map(t -> t.table).toList();
    }

    @Override
    public synchronized Optional<TableNames> names(Family family, String table) {
        TableState ts = tables.get(family + " " + table);
        return ts == null ? Optional.empty()
                : Optional.of(new TableNames(ts.table, List.copyOf(ts.chains.keySet()), List.copyOf(ts.sets.keySet())));
    }

    @Override
    public synchronized Optional<TableContents> list(Family family, String table) {
        TableState ts = tables.get(family + " " + table);
        if (ts == null) {
            return Optional.empty();
        }
        List<SetContents> sets = new ArrayList<>();
        ts.sets.forEach((n, set) -> sets.add(new SetContents(set, List.copyOf(ts.elements.get(n).values()))));
        List<Rule> rules = new ArrayList<>();
        ts.chains.keySet().forEach(c -> rules.addAll(ts.rules.getOrDefault(c, List.of())));
        return Optional.of(new TableContents(ts.table, sets, List.copyOf(ts.chains.values()), rules));
    }

    @Override
    public void close() {
    }
}
