// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ServiceProxyBackend#sync} did: whether it rewrote everything or only what changed, which
 * objects it skipped (and why), how long it took, and by table how many rules it wrote (kube-proxy's
 * {@code kubeproxy_sync_proxy_rules_iptables_last}) and how many its chains hold after it
 * ({@code kubeproxy_sync_proxy_rules_iptables_total}); both empty for backends without such tables.
 */
public record SyncResult(boolean full, List<Skipped> skipped, Duration duration, Map<String, Integer> ruleCounts,
                         Map<String, Integer> ruleTotals) {

    /**
     * A result; lists and maps are copied.
     *
     * @param skipped the objects left out, and why
     * @param full whether the sync rewrote everything
     * @param duration how long the sync took
     * @param ruleCounts the rules written, by table
     * @param ruleTotals the rules the backend's chains hold afterwards, by table
     */
    public SyncResult {
        skipped = List.copyOf(skipped);
        ruleCounts = Map.copyOf(ruleCounts);
        ruleTotals = Map.copyOf(ruleTotals);
    }

    /**
     * A result with the rules written by table, and no totals.
     *
     * @param full whether the sync rewrote everything
     * @param skipped the skipped
     * @param duration how long the sync took
     * @param ruleCounts the rule counts
     */
    public SyncResult(boolean full, List<Skipped> skipped, Duration duration, Map<String, Integer> ruleCounts) {
        this(full, skipped, duration, ruleCounts, Map.of());
    }

    /**
     * A result without rule counts.
     *
     * @param full whether the sync rewrote everything
     * @param skipped the skipped
     * @param duration how long the sync took
     */
    public SyncResult(boolean full, List<Skipped> skipped, Duration duration) {
        this(full, skipped, duration, Map.of(), Map.of());
    }

    /** An object the backend could not program, named as the model names it (e.g. {@code ns/svc:http}). */
    public record Skipped(String object, String reason) {
    }
}
