// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import java.util.Map;
import java.util.Set;

/**
 * Kernel objects a backend shares with another mode's state (kube-proxy's iptables and IPVS modes both own
 * {@code KUBE-SERVICES}, {@code KUBE-POSTROUTING} and some jump rules from the built-in chains). When a mode takes
 * over, the other modes remove their leftovers but keep what the new mode's {@code sharedState()} names.
 *
 * @param iptablesChains chain names by iptables table ({@code nat}, {@code filter})
 * @param iptablesRules  rules by iptables table, each in {@code iptables-save} form ({@code -A CHAIN ...})
 */
public record SharedState(Map<String, Set<String>> iptablesChains, Map<String, Set<String>> iptablesRules) {

    /**
     * Shared objects; the maps are copied.
     *
     * @param iptablesChains chain names by iptables table
     * @param iptablesRules rules by iptables table, in {@code iptables-save} form
     */
    public SharedState {
        iptablesChains = Map.copyOf(iptablesChains);
        iptablesRules = Map.copyOf(iptablesRules);
    }

    /**
     * Nothing shared: a full clean-up.
     *
     * @return nothing shared
     */
    public static SharedState none() {
        return new SharedState(Map.of(), Map.of());
    }

    /**
     * True if {@code chain} of {@code table} is shared.
     *
     * @param table the table
     * @param chain the chain
     * @return true if {@code chain} of {@code table} is shared
     */
    public boolean sharesChain(String table, String chain) {
        return iptablesChains.getOrDefault(table, Set.of()).contains(chain);
    }

    /**
     * True if {@code rule} ({@code iptables-save} form) of {@code table} is shared.
     *
     * @param table the table
     * @param rule the rule
     * @return true if {@code rule} ({@code iptables-save} form) of {@code table} is shared
     */
    public boolean sharesRule(String table, String rule) {
        return iptablesRules.getOrDefault(table, Set.of()).contains(rule);
    }
}
