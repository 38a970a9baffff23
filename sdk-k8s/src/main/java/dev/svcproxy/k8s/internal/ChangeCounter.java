// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.Metrics;
import dev.svcproxy.k8s.ServiceTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * kube-proxy's change accounting, from one read of the desired state to the next: a Service ({@code ns/name}) whose
 * frontends changed is a service change, one whose endpoints changed an endpoint change ({@code
 * kubeproxy_sync_proxy_rules_service_changes_total} / {@code _pending}, {@code endpoint_changes_total} /
 * {@code _pending}). Pending changes are those not yet synced; after a good sync they are cleared, and for each
 * endpoint change whose EndpointSlices carry a trigger time, the time from that change to the end of the sync is
 * {@code kubeproxy_network_programming_duration_seconds} (observed once per change). Not thread-safe.
 */
public final class ChangeCounter {
    private final Metrics metrics;
    /**
     * The last read's service ports, grouped by Service, in the tables' order (a Service whose ports are the very same
     * objects compares equal at once: a read of 10,000 Services hashes none of them).
     */
    private Map<KubeObjects.Key, List<VirtualService>> last = Map.of();
    private final Set<KubeObjects.Key> pendingServices = new HashSet<>();
    private final Set<KubeObjects.Key> pendingEndpoints = new HashSet<>();
    private final Map<KubeObjects.Key, Instant> pendingTriggers = new HashMap<>();
    private final Map<KubeObjects.Key, Instant> observed = new HashMap<>();

    public ChangeCounter(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Counts what changed since the previous read (the first read counts every Service, as kube-proxy's adds do). */
    public void read(ServiceTables.Result r) {
        Map<KubeObjects.Key, List<VirtualService>> now = new HashMap<>();
        for (ServiceTable t : r.tables().values()) {
            for (VirtualService v : t.services()) {
                now.computeIfAbsent(key(v), k -> new ArrayList<>(1)).add(v);
            }
        }
        int[] counts = new int[2]; // services, endpoint changes
        now.forEach((k, after) -> count(k, last.get(k), after, counts));
        last.forEach((k, before) -> {
            if (!now.containsKey(k)) {
                count(k, before, null, counts); // removed
            }
        });
        int services = counts[0];
        int endpointChanges = counts[1];
        for (KubeObjects.Key key : pendingEndpoints) {
            Instant t = r.endpointTriggers().get(key.toString());
            if (t != null && !t.equals(observed.get(key))) {
                pendingTriggers.put(key, t);
            }
        }
        last = now;
        metrics.add("kubeproxy_sync_proxy_rules_service_changes_total", services);
        metrics.add("kubeproxy_sync_proxy_rules_endpoint_changes_total", endpointChanges);
        pending();
    }

    /** Counts one Service's change from {@code before} to {@code after} (null: absent) into {@code counts}. */
    private void count(KubeObjects.Key k, List<VirtualService> before, List<VirtualService> after, int[] counts) {
        if (Objects.equals(before, after)) {
            return; // most services, most of the time: nothing to take apart
        }
        if (!Objects.equals(frontends(before), frontends(after))) {
            counts[0]++;
            pendingServices.add(k);
        }
        if (!Objects.equals(endpoints(before), endpoints(after))) {
            counts[1]++;
            pendingEndpoints.add(k);
        }
    }

    private static KubeObjects.Key key(VirtualService v) {
        return new KubeObjects.Key(v.name().namespace(), v.name().name());
    }

    /** A Service's ports without their endpoints (null if the Service is absent). */
    private static Set<VirtualService> frontends(List<VirtualService> ports) {
        if (ports == null) {
            return null;
        }
        Set<VirtualService> out = new HashSet<>();
        ports.forEach(v -> out.add(VirtualService.builder().from(v).clusterEndpoints(List.of()).localEndpoints(List.of())
                .hasAnyEndpoints(false).build()));
        return out;
    }

    /** A Service's ports' endpoints (null if the Service is absent). */
    private static Set<Object> endpoints(List<VirtualService> ports) {
        if (ports == null) {
            return null;
        }
        Set<Object> out = new HashSet<>();
        ports.forEach(v -> out.add(List.of(v.clusterEndpoints(), v.localEndpoints(), v.hasAnyEndpoints())));
        return out;
    }

    private void pending() {
        metrics.set("kubeproxy_sync_proxy_rules_service_changes_pending", pendingServices.size());
        metrics.set("kubeproxy_sync_proxy_rules_endpoint_changes_pending", pendingEndpoints.size());
    }

    /** Every family synced at {@code now}: the network programming latencies of the changes it carried, and no change pending. */
    public void synced(Map<IpFamily, ServiceTable> tables, Instant now) {
        Map<IpFamily, Set<KubeObjects.Key>> present = new java.util.EnumMap<>(IpFamily.class);
        if (!pendingTriggers.isEmpty()) { // each table's Services once, not once per change (300 per sync under churn)
            tables.forEach((f, t) -> {
                Set<KubeObjects.Key> keys = new HashSet<>();
                t.services().forEach(v -> keys.add(key(v)));
                present.put(f, keys);
            });
        }
        for (Map.Entry<KubeObjects.Key, Instant> e : pendingTriggers.entrySet()) {
            double seconds = Math.max(0, Duration.between(e.getValue(), now).toNanos() / 1e9);
            present.forEach((f, keys) -> {
                if (keys.contains(e.getKey())) {
                    metrics.observe("kubeproxy_network_programming_duration_seconds", seconds, "ip_family", f.toString());
                }
            });
            observed.put(e.getKey(), e.getValue());
        }
        pendingTriggers.clear();
        pendingServices.clear();
        pendingEndpoints.clear();
        pending();
    }
}
