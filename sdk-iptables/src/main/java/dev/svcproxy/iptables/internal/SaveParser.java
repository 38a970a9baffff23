// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses {@code iptables-save} output into a {@link Ruleset}; errors name the line. */
public final class SaveParser {

    private SaveParser() {
    }

    public static Ruleset parse(String text, IpFamily family) {
        Map<Table, Map<ChainName, Ruleset.Chain>> tables = new EnumMap<>(Table.class);
        Map<ChainName, List<Rule>> rules = null;
        Map<ChainName, Optional<String>> policies = null;
        Table table = null;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                if (l.startsWith("*")) {
                    table = Table.parse(l.substring(1));
                    rules = new LinkedHashMap<>();
                    policies = new LinkedHashMap<>();
                } else if (table == null) {
                    throw new IllegalArgumentException("line before any *table line");
                } else if (l.startsWith(":")) {
                    String[] p = l.substring(1).split("\\s+");
                    ChainName c = ChainName.of(p[0]);
                    policies.put(c, p.length > 1 && !p[1].equals("-") ? Optional.of(p[1]) : Optional.empty());
                    rules.put(c, new ArrayList<>());
                } else if (l.equals("COMMIT")) {
                    Map<ChainName, Ruleset.Chain> chains = new LinkedHashMap<>();
                    for (Map.Entry<ChainName, List<Rule>> e : rules.entrySet()) {
                        chains.put(e.getKey(), new Ruleset.Chain(e.getKey(), policies.get(e.getKey()), e.getValue()));
                    }
                    tables.put(table, chains);
                    table = null;
                } else if (l.startsWith("-A ")) {
                    List<String> words = Args.split(l);
                    ChainName c = ChainName.of(words.get(1));
                    List<Rule> list = rules.get(c);
                    if (list == null) {
                        throw new IllegalArgumentException("rule for undeclared chain " + c);
                    }
                    list.add(RuleParser.parse(c, words.subList(2, words.size())));
                } else {
                    throw new IllegalArgumentException("unexpected line");
                }
            } catch (InvalidInputException | IllegalArgumentException e) {
                throw new InvalidInputException("iptables-save line " + n + ": " + e.getMessage(), l, e);
            }
        }
        if (table != null) {
            throw new InvalidInputException("table " + table + " has no COMMIT", "iptables-save");
        }
        return new Ruleset(family, tables);
    }
}
