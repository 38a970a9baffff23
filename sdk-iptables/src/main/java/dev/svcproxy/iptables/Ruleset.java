// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.internal.Args;
import dev.svcproxy.iptables.internal.SaveParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot of iptables state: tables, their chains (built-in ones with a policy) and rules, as
 * {@code iptables-save} prints it. {@link #parse} reads iptables-save output; {@link #render()} writes it back in
 * the same format. Immutable.
 */
public final class Ruleset {

    /** One chain: its name, its policy if built in, and its rules in order. */
    public record Chain(ChainName name, Optional<String> policy, List<Rule> rules) {
        /**
         * A chain; {@code rules} is copied.
         *
         * @param rules its rules, in order
         * @param name its name
         * @param policy its policy, for a built-in chain
         */
        public Chain {
            rules = List.copyOf(rules);
        }
    }

    private final IpFamily family;
    private final Map<Table, Map<ChainName, Chain>> tables;

    /**
     * A snapshot; the maps are copied, chain order kept.
     *
     * @param family the family of every rule
     * @param tables the chains of each table, in order
     */
    public Ruleset(IpFamily family, Map<Table, Map<ChainName, Chain>> tables) {
        this.family = family;
        Map<Table, Map<ChainName, Chain>> copy = new EnumMap<>(Table.class);
        tables.forEach((t, chains) -> copy.put(t, Collections.unmodifiableMap(new LinkedHashMap<>(chains))));
        this.tables = Collections.unmodifiableMap(copy);
    }

    /**
     * Parses {@code iptables-save} output (or an iptables-restore payload without -I/-D/-X lines).
     *
     * @param save {@code iptables-save} output
     * @param family the IP family
     * @return the state
     */
    public static Ruleset parse(String save, IpFamily family) {
        return SaveParser.parse(save, family);
    }

    /**
     * The family of every rule.
     *
     * @return the family
     */
    public IpFamily family() {
        return family;
    }

    /**
     * The tables present.
     *
     * @return the tables
     */
    public Set<Table> tables() {
        return tables.keySet();
    }

    /**
     * The chains of {@code table} in order (built-in first); empty if the table is absent.
     *
     * @param table the table
     * @return the chains of {@code table} in order (built-in first)
     */
    public Map<ChainName, Chain> chains(Table table) {
        return tables.getOrDefault(table, Map.of());
    }

    /**
     * One chain.
     *
     * @param table the table
     * @param name the chain's name
     * @return the chain, if present
     */
    public Optional<Chain> chain(Table table, String name) {
        return Optional.ofNullable(chains(table).get(ChainName.of(name)));
    }

    /**
     * The rules of a chain; empty if the chain does not exist.
     *
     * @param table the table
     * @param chain the chain
     * @return the rules of a chain
     */
    public List<Rule> rules(Table table, String chain) {
        return chain(table, chain).map(Chain::rules).orElse(List.of());
    }

    /**
     * The target of the first DNAT rule in a chain (a kube-proxy {@code KUBE-SEP-*} chain has one), if any.
     *
     * @param table the table
     * @param chain the chain
     * @return the target of the first DNAT rule in a chain (a kube-proxy {@code KUBE-SEP-*} chain has one), if any
     */
    public Optional<Target.Dnat> dnat(Table table, String chain) {
        return rules(table, chain).stream().flatMap(r -> r.target().stream())
                .filter(t -> t instanceof Target.Dnat).map(t -> (Target.Dnat) t).findFirst();
    }

    /**
     * The same state with every rule in the kernel's normal form; compare normalised rulesets.
     *
     * @return the same state with every rule in the kernel's normal form
     */
    public Ruleset normalize() {
        Map<Table, Map<ChainName, Chain>> out = new EnumMap<>(Table.class);
        tables.forEach((t, chains) -> {
            Map<ChainName, Chain> m = new LinkedHashMap<>();
            chains.forEach((n, c) -> m.put(n, new Chain(n, c.policy(),
                    c.rules().stream().map(r -> r.normalize(family)).toList())));
            out.put(t, m);
        });
        return new Ruleset(family, out);
    }

    /**
     * Only the chains whose names start with one of {@code prefixes}; tables left without chains are dropped.
     *
     * @param prefixes chain-name prefixes
     * @return a new snapshot with those chains only
     */
    public Ruleset only(String... prefixes) {
        Map<Table, Map<ChainName, Chain>> out = new EnumMap<>(Table.class);
        tables.forEach((t, chains) -> {
            Map<ChainName, Chain> m = new LinkedHashMap<>();
            chains.forEach((n, c) -> {
                if (matches(n, prefixes)) {
                    m.put(n, c);
                }
            });
            if (!m.isEmpty()) {
                out.put(t, m);
            }
        });
        return new Ruleset(family, out);
    }

    private static boolean matches(ChainName n, String[] prefixes) {
        for (String p : prefixes) {
            if (n.name().startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The state in iptables-save format (kernel-normalised rules, built-in chains first, user chains sorted).
     *
     * @return the state in iptables-save format (kernel-normalised rules, built-in chains first, user chains sorted)
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Table, Map<ChainName, Chain>> e : tables.entrySet()) {
            sb.append('*').append(e.getKey().tableName()).append('\n');
            List<Chain> ordered = new ArrayList<>();
            for (ChainName b : e.getKey().builtinChains()) {
                Optional.ofNullable(e.getValue().get(b)).ifPresent(ordered::add);
            }
            e.getValue().values().stream().filter(c -> !e.getKey().isBuiltin(c.name()))
                    .sorted((a, b) -> a.name().compareTo(b.name())).forEach(ordered::add);
            for (Chain c : ordered) {
                sb.append(':').append(c.name()).append(' ').append(c.policy().orElse("-")).append(" [0:0]\n");
            }
            for (Chain c : ordered) {
                for (Rule r : c.rules()) {
                    sb.append("-A ").append(c.name()).append(' ')
                            .append(r.normalize(family).render(new Args(true, family))).append('\n');
                }
            }
            sb.append("COMMIT\n");
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ruleset r && family == r.family && tables.equals(r.tables);
    }

    @Override
    public int hashCode() {
        return tables.hashCode();
    }

    @Override
    public String toString() {
        return render();
    }
}
