// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.StaleFlows;
import dev.svcproxy.k8s.Metrics;
import dev.svcproxy.k8s.Problem;
import dev.svcproxy.k8s.ProxyHealth;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One family's sync as kube-proxy accounts for it: health queued/updated, kube-proxy's sync metrics (durations by
 * full or partial, timestamps, services with no local endpoints, rules written, failures), a progress line, and
 * kube-proxy's stale UDP conntrack clean-up after a good sync, in the proxy's namespace.
 */
public final class SyncRecorder implements AutoCloseable {
    private final Metrics metrics;
    private final ProxyHealth health;
    private final Optional<Path> netns;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    private ConntrackClient conntrack;
    /** The UDP services each family's last clean-up saw: flows only go stale when these change. */
    private final Map<IpFamily, Set<VirtualService>> cleanedUdp = new EnumMap<>(IpFamily.class);

    public SyncRecorder(Metrics metrics, ProxyHealth health, Optional<Path> netns, Consumer<String> info, Consumer<String> warn) {
        this.metrics = metrics;
        this.health = health;
        this.netns = netns;
        this.info = info;
        this.warn = warn;
    }

    /** Syncs {@code table} through {@code backend}; false (and the failure counted and reported) if it threw. */
    public synchronized boolean sync(ServiceProxyBackend backend, ServiceTable table) {
        String family = table.family().toString();
        health.queued(table.family());
        metrics.set("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", now(), "ip_family", family);
        SyncResult r;
        try {
            r = backend.sync(table);
        } catch (SvcProxyException e) {
            // kube-proxy counts a failed sync by mode: nftables transactions, iptables(-restore) everywhere else
            metrics.inc("nftables".equals(backend.name()) ? "kubeproxy_sync_proxy_rules_nftables_sync_failures_total"
                    : "kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "ip_family", family);
            warn.accept("sync of " + family + " failed: " + e.getMessage());
            return false;
        }
        health.updated(table.family());
        double seconds = r.duration().toNanos() / 1e9;
        metrics.observe("kubeproxy_sync_proxy_rules_duration_seconds", seconds, "ip_family", family);
        metrics.observe(r.full() ? "kubeproxy_sync_full_proxy_rules_duration_seconds"
                : "kubeproxy_sync_partial_proxy_rules_duration_seconds", seconds, "ip_family", family);
        metrics.set("kubeproxy_sync_proxy_rules_last_timestamp_seconds", now(), "ip_family", family);
        metrics.set("kubeproxy_sync_proxy_rules_no_local_endpoints_total", noLocal(table, true), "ip_family", family,
                "traffic_policy", "internal");
        metrics.set("kubeproxy_sync_proxy_rules_no_local_endpoints_total", noLocal(table, false), "ip_family", family,
                "traffic_policy", "external");
        r.ruleCounts().forEach((t, n) -> metrics.set("kubeproxy_sync_proxy_rules_iptables_last", n, "ip_family", family, "table", t));
        r.ruleTotals().forEach((t, n) -> metrics.set("kubeproxy_sync_proxy_rules_iptables_total", n, "ip_family", family, "table", t));
        r.skipped().forEach(skip -> warn.accept("skipped: " + Problem.escape(skip.object() + ": " + skip.reason())));
        info.accept(String.format("synced %s (%s): %d services, %d skipped, in %d ms", family, r.full() ? "full" : "partial",
                table.services().size(), r.skipped().size(), r.duration().toMillis()));
        cleanStaleUdp(table, family);
        return true;
    }

    /**
     * kube-proxy's conntrack reconciler: UDP flows to a frontend whose endpoint is gone are deleted. It reads the
     * conntrack table only when the family's UDP services changed since the last clean-up (the first sync always
     * looks), so an idle periodic sync costs no conntrack dump.
     */
    private void cleanStaleUdp(ServiceTable table, String family) {
        Set<VirtualService> udp = table.services().stream().filter(v -> v.protocol() == Protocol.UDP).collect(Collectors.toSet());
        if (udp.equals(cleanedUdp.get(table.family())) || udp.isEmpty() && !cleanedUdp.containsKey(table.family())) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            if (conntrack == null) {
                conntrack = netns.map(ConntrackClient::open).orElseGet(ConntrackClient::open);
            }
            int deleted = StaleFlows.clean(conntrack, table);
            metrics.add("kubeproxy_conntrack_reconciler_deleted_entries_total", deleted, "ip_family", family);
            metrics.observe("kubeproxy_conntrack_reconciler_sync_duration_seconds", (System.nanoTime() - t0) / 1e9, "ip_family", family);
            if (deleted > 0) {
                info.accept(String.format("deleted %d stale UDP conntrack entries (%s)", deleted, family));
            }
            cleanedUdp.put(table.family(), udp);
        } catch (SvcProxyException e) {
            warn.accept("conntrack clean-up of " + family + " failed: " + e.getMessage());
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** Services with a Local policy (internal or external) and endpoints, but none on this node. */
    private static long noLocal(ServiceTable t, boolean internal) {
        return t.services().stream().filter(v -> v.hasAnyEndpoints() && v.localEndpoints().isEmpty()
                && (internal ? v.internalTrafficPolicy() : v.externalTrafficPolicy()) == TrafficPolicy.LOCAL).count();
    }

    @Override
    public synchronized void close() {
        if (conntrack != null) {
            conntrack.close();
            conntrack = null;
        }
    }
}
