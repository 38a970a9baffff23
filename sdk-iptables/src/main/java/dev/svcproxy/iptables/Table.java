// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import java.util.List;
import java.util.Locale;

/** The iptables tables and their built-in chains. */
public enum Table {
    /** {@code filter}: accept or drop. */
    FILTER("INPUT", "FORWARD", "OUTPUT"),
    /** {@code nat}: address translation, first packet of a connection. */
    NAT("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    /** {@code mangle}: packet alteration. */
    MANGLE("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    /** {@code raw}: before connection tracking. */
    RAW("PREROUTING", "OUTPUT"),
    /** {@code security}: mandatory access control marks. */
    SECURITY("INPUT", "FORWARD", "OUTPUT");

    private final List<ChainName> builtins;

    Table(String... builtins) {
        this.builtins = java.util.Arrays.stream(builtins).map(ChainName::new).toList();
    }

    /**
     * The name iptables uses: {@code filter}, {@code nat}, ...
     *
     * @return the name iptables uses
     */
    public String tableName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The table named {@code name}.
     *
     * @param name e.g. {@code nat}
     * @return the table
     * @throws dev.svcproxy.api.InvalidInputException for an unknown name
     */
    public static Table parse(String name) {
        for (Table t : values()) {
            if (t.tableName().equals(name)) {
                return t;
            }
        }
        throw new InvalidInputException("unknown table (expected filter, nat, mangle, raw or security)", name);
    }

    /**
     * Built-in chains in the order {@code iptables-save} lists them.
     *
     * @return built-in chains in the order {@code iptables-save} lists them
     */
    public List<ChainName> builtinChains() {
        return builtins;
    }

    /**
     * Whether {@code chain} is one of this table's built-in chains.
     *
     * @param chain a chain name
     * @return true for e.g. {@code PREROUTING} in nat
     */
    public boolean isBuiltin(ChainName chain) {
        return builtins.contains(chain);
    }

    @Override
    public String toString() {
        return tableName();
    }
}
