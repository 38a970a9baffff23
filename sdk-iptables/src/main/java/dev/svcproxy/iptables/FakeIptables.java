// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpFamily;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link IptablesClient} that enforces what the kernel enforces: a rule may only be added to, or jump
 * to, a chain that exists; a chain still referenced cannot be deleted; deleting a missing rule or chain fails;
 * a failed transaction changes nothing. Its state dumps in iptables-save format ({@link #save}) and can be traced
 * with a {@link PacketTracer}. Thread-safe.
 */
public final class FakeIptables implements IptablesClient {
    private final IpFamily family;
    private final Capabilities capabilities = Capabilities.forVersion("1.8.9");
    private Map<Table, Map<ChainName, List<Rule>>> state = new EnumMap<>(Table.class);

    private java.util.function.Predicate<Rule> refuse = r -> false;
    private String refuseMessage = "";

    /**
     * An empty fake of one family (iptables or ip6tables).
     *
     * @param family the family
     */
    public FakeIptables(IpFamily family) {
        this.family = family;
    }

    @Override
    public IpFamily family() {
        return family;
    }

    @Override
    public Flavour flavour() {
        return Flavour.FAKE;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public void apply(IptablesTransaction tx) {
        tx.complete(); // outside the lock: a lastly callback may wait for a save of this fake on another thread
        synchronized (this) {
            state = applied(tx);
        }
    }

    @Override
    public void check(IptablesTransaction tx) {
        tx.complete();
        synchronized (this) {
            applied(tx);
        }
    }

    /**
     * Fault injection: from now on, a transaction that appends or inserts a rule {@code refuse} accepts is refused as
     * the kernel refuses one ({@link RestoreRefusedException} naming that operation, nothing applied), with
     * {@code kernelMessage}. For testing what a caller does when one object's rules cannot be loaded.
     *
     * @param refuse which rules the fake refuses
     * @param kernelMessage what the tool said
     */
    public synchronized void refuse(java.util.function.Predicate<Rule> refuse, String kernelMessage) {
        this.refuse = refuse;
        this.refuseMessage = kernelMessage;
    }

    private void refuseIfAsked(IptablesTransaction.Op op, Rule rule) {
        if (refuse.test(rule)) {
            throw refused(op, refuseMessage);
        }
    }

    /** Applies {@code tx} to a copy of the state, in the order iptables-restore applies the payload. */
    private Map<Table, Map<ChainName, List<Rule>>> applied(IptablesTransaction tx) {
        if (tx.family() != family) {
            throw new InvalidInputException("transaction is " + tx.family() + ", client is " + family, "transaction");
        }
        tx.externalChains().forEach((table, chains) -> chains.forEach((chain, rule) -> {
            if (!state.getOrDefault(table, Map.of()).containsKey(chain)) {
                throw new NotFoundException("chain " + chain + " does not exist in table " + table
                        + " and the transaction does not create it", table + ": " + rule.render(family));
            }
        }));
        Map<Table, Map<ChainName, List<Rule>>> next = copy(state);
        List<IptablesTransaction.Op> ordered = tx.orderedOperations();
        for (IptablesTransaction.Op op : ordered) {
            Map<ChainName, List<Rule>> t = table(next, op.table());
            if (op instanceof IptablesTransaction.FlushChain f) {
                t.put(f.chain(), new ArrayList<>());
            } else if (op instanceof IptablesTransaction.Append a) {
                refuseIfAsked(op, a.rule());
                rules(t, a.rule(), op).add(a.rule());
            } else if (op instanceof IptablesTransaction.Insert i) {
                refuseIfAsked(op, i.rule());
                List<Rule> rules = rules(t, i.rule(), op);
                if (i.position() > rules.size() + 1) {
                    throw refused(op, "Index of insertion too big");
                }
                rules.add(i.position() - 1, i.rule());
            } else if (op instanceof IptablesTransaction.Delete d) {
                List<Rule> rules = rules(t, d.rule(), op);
                Rule want = d.rule().normalize(family);
                int at = indexOf(rules, want);
                if (at < 0) {
                    throw refused(op, "Bad rule (does a matching rule exist in that chain?)");
                }
                rules.remove(at);
            } else if (op instanceof IptablesTransaction.DeleteChain x) {
                if (t.get(x.chain()) == null) {
                    throw refused(op, "No chain/target/match by that name.");
                }
                t.remove(x.chain());
            }
        }
        // what the kernel checks when the table is committed: every jump lands on an existing chain
        for (Map.Entry<Table, Map<ChainName, List<Rule>>> e : next.entrySet()) {
            for (List<Rule> rules : e.getValue().values()) {
                for (Rule r : rules) {
                    Optional<ChainName> to = r.target().flatMap(Target::chain);
                    if (to.isPresent() && !e.getValue().containsKey(to.get())) {
                        boolean deleted = state.getOrDefault(e.getKey(), Map.of()).containsKey(to.get());
                        IptablesTransaction.Op culprit = deleted ? ordered.stream().filter(o ->
                                o instanceof IptablesTransaction.DeleteChain x && x.table() == e.getKey()
                                        && x.chain().equals(to.get())).findFirst().orElse(null) : appendOf(ordered, r);
                        throw refused(culprit, deleted
                                ? "CHAIN_DEL failed (Device or resource busy): chain " + to.get()
                                : "Chain '" + to.get() + "' does not exist");
                    }
                }
            }
        }
        return next;
    }

    private List<Rule> rules(Map<ChainName, List<Rule>> table, Rule rule, IptablesTransaction.Op op) {
        List<Rule> rules = table.get(rule.chain());
        if (rules == null) {
            throw refused(op, "Chain '" + rule.chain() + "' does not exist");
        }
        return rules;
    }

    /** The operation that wrote {@code r} (null if it was already in the state). */
    private static IptablesTransaction.Op appendOf(List<IptablesTransaction.Op> ops, Rule r) {
        return ops.stream().filter(o -> o instanceof IptablesTransaction.Append a && a.rule() == r
                || o instanceof IptablesTransaction.Insert i && i.rule() == r).findFirst().orElse(null);
    }

    private int indexOf(List<Rule> rules, Rule normalized) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).normalize(family).equals(normalized)) {
                return i;
            }
        }
        return -1;
    }

    private static RestoreRefusedException refused(IptablesTransaction.Op op, String why) {
        return new RestoreRefusedException(op, why);
    }

    private Map<ChainName, List<Rule>> table(Map<Table, Map<ChainName, List<Rule>>> s, Table t) {
        return s.computeIfAbsent(t, k -> {
            Map<ChainName, List<Rule>> m = new LinkedHashMap<>();
            k.builtinChains().forEach(c -> m.put(c, new ArrayList<>()));
            return m;
        });
    }

    private static Map<Table, Map<ChainName, List<Rule>>> copy(Map<Table, Map<ChainName, List<Rule>>> s) {
        Map<Table, Map<ChainName, List<Rule>>> out = new EnumMap<>(Table.class);
        s.forEach((t, chains) -> {
            Map<ChainName, List<Rule>> m = new LinkedHashMap<>();
            chains.forEach((c, rules) -> m.put(c, new ArrayList<>(rules)));
            out.put(t, m);
        });
        return out;
    }

    @Override
    public synchronized Ruleset save(Table... tables) {
        Map<Table, Map<ChainName, Ruleset.Chain>> out = new EnumMap<>(Table.class);
        List<Table> wanted = tables.length == 0 ? List.copyOf(state.keySet()) : List.of(tables);
        for (Table t : wanted) {
            Map<ChainName, List<Rule>> chains = state.get(t);
            if (chains == null) {
                continue;
            }
            Map<ChainName, Ruleset.Chain> m = new LinkedHashMap<>();
            chains.forEach((c, rules) -> m.put(c, new Ruleset.Chain(c,
                    t.isBuiltin(c) ? Optional.of("ACCEPT") : Optional.empty(),
                    rules.stream().map(r -> r.normalize(family)).toList())));
            out.put(t, m);
        }
        return new Ruleset(family, out);
    }

    @Override
    public synchronized java.util.Set<ChainName> chains(Table table) {
        return java.util.Set.copyOf(state.getOrDefault(table, Map.of()).keySet());
    }

    @Override
    public synchronized boolean chainExists(Table table, ChainName chain) {
        return state.containsKey(table) && state.get(table).containsKey(chain);
    }

    @Override
    public synchronized boolean ensureRule(Table table, Rule rule, boolean prepend) {
        List<Rule> rules = existing(table, rule);
        if (indexOf(rules, rule.normalize(family)) >= 0) {
            return false;
        }
        IptablesTransaction tx = newTransaction();
        apply(prepend ? tx.insert(table, rule) : tx.append(table, rule));
        return true;
    }

    @Override
    public synchronized boolean ruleExists(Table table, Rule rule) {
        List<Rule> rules = table(state, table).get(rule.chain());
        return rules != null && indexOf(rules, rule.normalize(family)) >= 0;
    }

    @Override
    public synchronized boolean deleteRule(Table table, Rule rule) {
        List<Rule> rules = existing(table, rule);
        if (indexOf(rules, rule.normalize(family)) < 0) {
            return false;
        }
        apply(newTransaction().delete(table, rule));
        return true;
    }

    private List<Rule> existing(Table table, Rule rule) {
        List<Rule> rules = table(state, table).get(rule.chain());
        if (rules == null) {
            throw new NotFoundException("chain does not exist", table + "/" + rule.chain());
        }
        return rules;
    }

    /** Removes all state, as a reboot would. */
    public synchronized void reset() {
        state = new EnumMap<>(Table.class);
    }
}
