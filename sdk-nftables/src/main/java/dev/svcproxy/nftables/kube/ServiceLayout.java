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

    /** Writes the chains (created and emptied first) and the affinity sets, then the rules. */
    void write(NftTransaction tx) {
        for (Chain c : chains) {
            tx.add(c).flush(c);
        }
        affinitySets.forEach(tx::add);
        rules.forEach(tx::add);
    }
}
