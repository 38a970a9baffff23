// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.ChainName;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The jump rules from the built-in chains into a proxy's own chains. kube-proxy ensures them one
 * {@code iptables -C}/{@code -I} at a time; here the missing ones travel in the sync's own restore.
 */
public final class BuiltinJumps {

    private BuiltinJumps() {
    }

    /**
     * True if {@code state} holds {@code rule} in {@code table}.
     *
     * @param client the client
     * @param state the state as read
     * @param table the table
     * @param rule the rule
     * @return true if {@code state} holds {@code rule} in {@code table}
     */
    public static boolean present(IptablesClient client, Ruleset state, Table table, Rule rule) {
        return state.rules(table, rule.chain().name()).stream().anyMatch(r -> r.sameAs(rule, client.family()));
    }

    /**
     * Inserts at the top of their chains, in {@code tx}, the {@code jumps} the kernel lacks. {@code nat} is a save of
     * the nat table's built-in chains already read (or null to read it); the filter table is read here.
     *
     * @param client the client
     * @param tx the transaction
     * @param jumps the jump rules
     * @param nat the nat table's built-in chains as just read, or null to read them
     */
    public static void insertMissing(IptablesClient client, IptablesTransaction tx, List<KubeProxyRules.JumpRule> jumps,
                                     Ruleset nat) {
        insertMissing(client, tx, jumps, Table.FILTER, client.save(Table.FILTER, Table.FILTER::isBuiltin));
        insertMissing(client, tx, jumps, Table.NAT, nat != null ? nat : client.save(Table.NAT, Table.NAT::isBuiltin));
    }

    /**
     * Inserts at the top of their chains, in {@code tx}, the {@code jumps} of {@code table} that {@code state} (a save
     * of that table's built-in chains) lacks; the jumps of other tables are left alone.
     *
     * @param client the client
     * @param tx the transaction
     * @param jumps the jump rules
     * @param table the table whose jumps are looked at
     * @param state that table's built-in chains as just read
     */
    public static void insertMissing(IptablesClient client, IptablesTransaction tx, List<KubeProxyRules.JumpRule> jumps,
                                     Table table, Ruleset state) {
        for (KubeProxyRules.JumpRule j : jumps) {
            if (j.table() == table && !present(client, state, table, j.rule())) {
                tx.insert(table, j.rule());
            }
        }
    }

    /**
     * Deletes the {@code jumps} that are present, except those {@code keep} names (jump rules another mode uses
     * word for word). A jump whose target chain is gone is skipped: the kernel cannot hold it.
     *
     * @param client the client
     * @param jumps the jump rules
     * @param keep what the mode now in charge shares, kept
     */
    public static void delete(IptablesClient client, List<KubeProxyRules.JumpRule> jumps, SharedState keep) {
        for (KubeProxyRules.JumpRule j : jumps) {
            boolean shared = keep.sharesRule(j.table().tableName(), j.rule().render(client.family()));
            if (!shared && client.chainExists(j.table(), j.rule().target().flatMap(t -> t.chain()).orElseThrow())) {
                client.deleteRule(j.table(), j.rule());
            }
        }
    }

    /**
     * A mode's unlink before a full clean-up: deletes its {@code jumps} and empties every existing chain {@code owns}
     * accepts, in one restore, so that no rule refers to state another mode's clean-up deletes.
     *
     * @param client the client
     * @param jumps the jump rules
     * @param owns which chains are this mode's
     */
    public static void unlink(IptablesClient client, List<KubeProxyRules.JumpRule> jumps, BiPredicate<Table, ChainName> owns) {
        delete(client, jumps, SharedState.none());
        forOwnChains(client, owns, SharedState.none(), IptablesTransaction::flushChain);
    }

    /**
     * A mode's removal: deletes its {@code jumps} and every existing chain {@code owns} accepts, in one restore, but
     * the jumps and chains {@code keep} names (another mode's, which that mode's first sync has rewritten).
     *
     * @param client the client
     * @param jumps the jump rules
     * @param owns which chains are this mode's
     * @param keep what the mode now in charge shares, kept
     */
    public static void remove(IptablesClient client, List<KubeProxyRules.JumpRule> jumps, BiPredicate<Table, ChainName> owns,
                              SharedState keep) {
        delete(client, jumps, keep);
        forOwnChains(client, owns, keep, IptablesTransaction::deleteChain);
    }

    private interface ChainOp {
        IptablesTransaction apply(IptablesTransaction tx, Table table, ChainName chain);
    }

    private static void forOwnChains(IptablesClient client, BiPredicate<Table, ChainName> owns, SharedState keep, ChainOp op) {
        IptablesTransaction tx = client.newTransaction();
        for (Table t : List.of(Table.NAT, Table.FILTER)) {
            for (ChainName c : client.chains(t)) {
                if (owns.test(t, c) && !keep.sharesChain(t.tableName(), c.name())) {
                    op.apply(tx, t, c);
                }
            }
        }
        if (!tx.isEmpty()) {
            client.apply(tx);
        }
    }

    /**
     * A mode's iptables footprint as the SPI's {@link SharedState}: the chains {@code ownedChains} gives for nat and
     * filter, and the {@code jumps} in {@code iptables-save} form, for another mode to keep when it removes its own.
     *
     * @param ownedChains the chains of each table the mode owns
     * @param jumps the jump rules
     * @param family the IP family
     * @return a mode's iptables footprint as the SPI's {@link SharedState}
     */
    public static SharedState sharedState(Function<Table, List<ChainName>> ownedChains, List<KubeProxyRules.JumpRule> jumps,
                                          IpFamily family) {
        Map<String, Set<String>> chains = new HashMap<>();
        Map<String, Set<String>> rules = new HashMap<>();
        for (Table t : List.of(Table.NAT, Table.FILTER)) {
            chains.put(t.tableName(), ownedChains.apply(t).stream().map(ChainName::name).collect(Collectors.toSet()));
        }
        for (KubeProxyRules.JumpRule j : jumps) {
            rules.computeIfAbsent(j.table().tableName(), k -> new HashSet<>()).add(j.rule().render(family));
        }
        return new SharedState(chains, rules);
    }
}
