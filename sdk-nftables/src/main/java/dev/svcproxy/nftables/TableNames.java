// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.List;

/**
 * What a table holds, by name only: its chains and its named sets and maps (anonymous sets belong to rules and are
 * left out). Much cheaper to read than {@link TableContents}, which carries every rule and element.
 */
public record TableNames(Table table, List<String> chains, List<String> sets) {

    /**
     * A table's names; the lists are copied.
     *
     * @param chains its chains' names
     * @param table the table
     * @param sets its named sets' and maps' names
     */
    public TableNames {
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
    }
}
