// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.ArrayList;
import java.util.List;

/**
 * A table as listed from the kernel: its sets and maps and its chains, in the kernel's order. {@code toString()}
 * prints it as {@code nft list table} does.
 */
public record TableContents(Table table, List<SetContents> sets, List<Chain> chains, List<Rule> rules) {

    /**
     * A listed table; the lists are copied.
     *
     * @param sets its named sets and maps with their elements
     * @param table the table
     * @param chains its chains
     * @param rules its rules, chain by chain
     */
    public TableContents {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
        rules = List.copyOf(rules);
    }

    /**
     * The rules of the chain named {@code chain}, in order.
     *
     * @param chain the chain
     * @return the rules of the chain named {@code chain}, in order
     */
    public List<Rule> rules(String chain) {
        return rules.stream().filter(r -> r.chain().name().equals(chain)).toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("table ").append(table.reference()).append(" {\n");
        table.comment().ifPresent(c -> b.append("\tcomment ").append(Names.quote(c)).append('\n'));
        List<String> blocks = new ArrayList<>();
        for (SetContents s : sets) {
            StringBuilder sb = new StringBuilder("\t").append(s.set().isMap() ? "map " : "set ").append(Names.print(s.set().name())).append(" {\n");
            s.set().declaration().forEach(l -> sb.append("\t\t").append(l).append('\n'));
            if (!s.elements().isEmpty()) {
                sb.append("\t\telements = { ").append(elements(s)).append(" }\n");
            }
            blocks.add(sb.append("\t}\n").toString());
        }
        for (Chain c : chains) {
            StringBuilder cb = new StringBuilder("\tchain ").append(Names.print(c.name())).append(" {\n");
            c.declaration().forEach(l -> cb.append("\t\t").append(l).append('\n'));
            rules(c.name()).forEach(r -> cb.append("\t\t").append(r.statements()).append('\n'));
            blocks.add(cb.append("\t}\n").toString());
        }
        b.append(String.join("\n", blocks));
        return b.append("}\n").toString();
    }

    /**
     * {@code nft}'s element list: sorted as it sorts them, with a line break every few elements, by key type (its
     * {@code calculate_delim}).
     */
    private static String elements(SetContents s) {
        int perLine = s.set().isAddressIntervals() ? 2 : s.set().key().size() == 1 ? s.set().key().get(0).elementsPerLine() : 1;
        List<Element> sorted = new ArrayList<>(s.elements());
        sorted.sort(s.set().printOrder());
        StringBuilder b = new StringBuilder();
        int count = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0) {
                b.append(count < perLine ? ", " : ",\n\t\t\t     ");
                if (count >= perLine) {
                    count = 0;
                }
            }
            b.append(sorted.get(i));
            count++;
        }
        return b.toString();
    }
}
