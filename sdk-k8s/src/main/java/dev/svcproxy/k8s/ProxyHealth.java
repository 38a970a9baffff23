// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.net.IpFamily;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * kube-proxy's proxy health: a family is unhealthy when a sync was queued and not applied within
 * {@code 2 x syncPeriod}; the proxy also when its source has been unreadable for longer than that. {@link #body} is the JSON kube-proxy serves on {@code /healthz} and {@code /livez}.
 */
public final class ProxyHealth {
    private final Duration timeout;
    private final Clock clock;
    private final Map<IpFamily, Instant> queued = new EnumMap<>(IpFamily.class);
    private final Map<IpFamily, Instant> updated = new EnumMap<>(IpFamily.class);
    private Supplier<Optional<Instant>> sourceUnreadableSince = Optional::empty;
    private boolean nodeEligible = true;

    /**
     * Health with kube-proxy's window: a queued sync must be applied within twice the sync period.
     *
     * @param syncPeriod the proxy's {@code syncPeriod}
     * @param clock the time source (a fixed or offset clock in tests)
     */
    public ProxyHealth(Duration syncPeriod, Clock clock) {
        this.timeout = syncPeriod.multipliedBy(2);
        this.clock = clock;
    }

    /**
     * A sync of {@code f} was asked for (kube-proxy's {@code QueuedUpdate}).
     *
     * @param f the family
     */
    public synchronized void queued(IpFamily f) {
        queued.putIfAbsent(f, clock.instant());
    }

    /**
     * A sync of {@code f} was applied (kube-proxy's {@code Updated}).
     *
     * @param f the family
     */
    public synchronized void updated(IpFamily f) {
        queued.remove(f);
        updated.put(f, clock.instant());
    }

    private boolean healthy(IpFamily f, Instant now) {
        Instant q = queued.get(f);
        return q == null || Duration.between(q, now).compareTo(timeout) <= 0;
    }

    /**
     * Where the proxy's state comes from says since when it cannot be read: past the same window the proxy is not
     * fresh any more (unhealthy), though its last good rules stay in force.
     *
     * @param unreadableSince since when the source cannot be read, if it cannot
     */
    public synchronized void source(Supplier<Optional<Instant>> unreadableSince) {
        this.sourceUnreadableSince = unreadableSince;
    }

    /**
     * Whether the node may take load-balancer traffic (kube-proxy's {@code nodeEligible}): false while its Node is
     * being deleted or is tainted {@code ToBeDeletedByClusterAutoscaler}; {@code /healthz} then answers 503 so that
     * load balancers drain it, while {@code /livez} ignores it.
     *
     * @param eligible false while the Node is being deleted
     */
    public synchronized void nodeEligible(boolean eligible) {
        this.nodeEligible = eligible;
    }

    /**
     * Whether the node may take load-balancer traffic.
     *
     * @return false while the Node is being deleted or marked for deletion
     */
    public synchronized boolean nodeEligible() {
        return nodeEligible;
    }

    /**
     * {@code /healthz}: {@link #healthy()} and {@link #nodeEligible()}.
     *
     * @return true if {@code /healthz} answers 200
     */
    public synchronized boolean healthzOk() {
        return healthy() && nodeEligible;
    }

    /**
     * {@code /livez}: every family's queued sync applied in time, and the source readable within the window.
     *
     * @return whether the proxy is healthy
     */
    public synchronized boolean healthy() {
        Instant now = clock.instant();
        boolean sourceFresh = sourceUnreadableSince.get().map(since -> Duration.between(since, now).compareTo(timeout) <= 0)
                .orElse(true);
        return sourceFresh && updated.keySet().stream().allMatch(f -> healthy(f, now))
                && queued.keySet().stream().allMatch(f -> healthy(f, now));
    }

    /**
     * {@code {"lastUpdated": ..., "currentTime": ..., "nodeEligible": true, "healthy": ..., "status": {...}}}.
     *
     * @return the JSON body
     */
    public synchronized String body() {
        Instant now = clock.instant();
        boolean ok = healthy();
        Instant last = ok ? now : updated.values().stream().max(Instant::compareTo).orElse(Instant.EPOCH);
        StringBuilder b = new StringBuilder("{\"lastUpdated\": \"").append(last).append("\",\"currentTime\": \"").append(now)
                .append("\",\"nodeEligible\": ").append(nodeEligible).append(",\"healthy\": ").append(ok).append(",\"status\": {");
        String sep = "";
        for (IpFamily f : IpFamily.values()) {
            if (!updated.containsKey(f) && !queued.containsKey(f)) {
                continue;
            }
            boolean fh = healthy(f, now);
            b.append(sep).append('"').append(f).append("\": {\"lastUpdated\": \"")
                    .append(fh ? now : updated.getOrDefault(f, Instant.EPOCH)).append("\",\"healthy\": ").append(fh).append('}');
            sep = ",";
        }
        return b.append("}}").toString();
    }
}
