// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.Rule;
import java.util.List;

/**
 * What one service port puts in the {@code kube-proxy} table: its chains (each written whole: created, flushed, then
 * its rules), its session-affinity sets, and its elements of the shared maps and sets, which the backend adds and
 * deletes by difference.
 */
record ServiceLayout(List<Chain> chains, List<NftSet> affinitySets, List<Rule> rules, List<MapElement> elements) {

    /** An element of one of the shared maps or sets. */
    record MapElement(NftSet map, Element element) {
    }

    ServiceLayout {
        chains = List.copyOf(chains);
        affinitySets = List.copyOf(affinitySets);
        rules = List.copyOf(rules);
        elements = List.copyOf(elements);
    }

    /**
     * Writes only what differs from {@code old}, the service's layout the kernel has: its new affinity sets, then each
     * chain that is new or whose rules changed (created, emptied, refilled), in order, so that a chain exists before
     * a rule refers to it. One endpoint changed in ten rewrites that endpoint's chain and the policy chain, not all
     * eleven.
     */
    void writeChanges(ServiceLayout old, NftTransaction tx) {
        java.util.Set<NftSet> oldSets = java.util.Set.copyOf(old.affinitySets);
        affinitySets.stream().filter(s -> !oldSets.contains(s)).forEach(tx::add);
        java.util.Map<String, List<Rule>> before = old.rulesByChain();
        java.util.Map<String, List<Rule>> now = rulesByChain();
        for (Chain c : chains) {
            List<Rule> rules = now.getOrDefault(c.name(), List.of());
            if (!old.chains.contains(c) || !rules.equals(before.get(c.name()))) {
                tx.add(c).flush(c);
                rules.forEach(tx::add);
            }
        }
    }

    private java.util.Map<String, List<Rule>> rulesByChain() {
        java.util.Map<String, List<Rule>> m = new java.util.HashMap<>();
        rules.forEach(r -> m.computeIfAbsent(r.chain().name(), k -> new java.util.ArrayList<>()).add(r));
        return m;
    }

    /** Writes the chains (created and emptied first) and the affinity sets, then the rules. */
    void write(NftTransaction tx) {
        for (Chain c : chains) {
            tx.add(c).flush(c);
        }
        affinitySets.forEach(tx::add);
        rules.forEach(tx::add);
    }
}
