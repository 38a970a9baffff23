package dev.svcproxy.api.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ServiceProxyBackend#sync} did: whether it rewrote everything or only what changed, which
 * objects it skipped (and why), how long it took, and how many rules it wrote by table (kube-proxy's
 * {@code kubeproxy_sync_proxy_rules_iptables_total}; empty for backends without such tables).
 */
public record SyncResult(boolean full, List<Skipped> skipped, Duration duration, Map<String, Integer> ruleCounts) {

    public SyncResult {
        skipped = List.copyOf(skipped);
        ruleCounts = Map.copyOf(ruleCounts);
    }

    /** A result without rule counts. */
    public SyncResult(boolean full, List<Skipped> skipped, Duration duration) {
        this(full, skipped, duration, Map.of());
    }

    /** An object the backend could not program, named as the model names it (e.g. {@code ns/svc:http}). */
    public record Skipped(String object, String reason) {
    }
}
