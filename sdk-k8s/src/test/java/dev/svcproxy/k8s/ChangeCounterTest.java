// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.k8s.internal.ChangeCounter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** kube-proxy's change counters and network programming latency, from one read of the desired state to the next. */
class ChangeCounterTest {

    private static String service(String name, String ip, int port) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\n"
                + "spec: {clusterIP: " + ip + ", ports: [{name: http, port: " + port + "}]}\n---\n";
    }

    private static String slice(String service, String trigger, String... ips) {
        StringBuilder eps = new StringBuilder();
        for (String ip : ips) {
            eps.append(eps.length() == 0 ? "" : ", ").append("{addresses: [").append(ip).append("]}");
        }
        return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + service + "-x, namespace: default, "
                + "labels: {kubernetes.io/service-name: " + service + "}"
                + (trigger == null ? "" : ", annotations: {endpoints.kubernetes.io/last-change-trigger-time: '" + trigger + "'}") + "}\n"
                + "addressType: IPv4\nports: [{name: http, port: 8080}]\nendpoints: [" + eps + "]\n---\n";
    }

    private static ServiceTables.Result read(String yaml) {
        return ServiceTables.build(ClusterSnapshot.parse(yaml, "test"), "node-a");
    }

    @Test
    void servicesAndEndpointsChangesAreCountedPendingUntilSyncedAndTheirProgrammingTimeObserved() {
        Metrics m = new Metrics();
        ChangeCounter c = new ChangeCounter(m);
        c.read(read(service("web", "10.96.0.10", 80) + slice("web", null, "10.244.0.1") + service("db", "10.96.0.11", 5432)));
        assertEquals(2, m.value("kubeproxy_sync_proxy_rules_service_changes_total"), "the first read adds every service");
        assertEquals(2, m.value("kubeproxy_sync_proxy_rules_service_changes_pending"));
        assertEquals(2, m.value("kubeproxy_sync_proxy_rules_endpoint_changes_total"));
        ServiceTables.Result first = read(service("web", "10.96.0.10", 80) + slice("web", null, "10.244.0.1") + service("db", "10.96.0.11", 5432));
        c.synced(first.tables(), Instant.now());
        assertEquals(0, m.value("kubeproxy_sync_proxy_rules_service_changes_pending"));
        assertEquals(0, m.value("kubeproxy_sync_proxy_rules_endpoint_changes_pending"));

        // web's endpoints change (the slice says when: 1.5 s before the sync ends); db's port changes
        Instant trigger = Instant.parse("2026-11-30T12:00:00Z");
        ServiceTables.Result next = read(service("web", "10.96.0.10", 80) + slice("web", trigger.toString(), "10.244.0.2")
                + service("db", "10.96.0.11", 5433));
        c.read(next);
        assertEquals(3, m.value("kubeproxy_sync_proxy_rules_service_changes_total"));
        assertEquals(1, m.value("kubeproxy_sync_proxy_rules_service_changes_pending"));
        assertEquals(3, m.value("kubeproxy_sync_proxy_rules_endpoint_changes_total"));
        assertEquals(1, m.value("kubeproxy_sync_proxy_rules_endpoint_changes_pending"));
        c.synced(next.tables(), trigger.plusMillis(1500));
        String text = m.scrape();
        assertTrue(text.contains("kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"1.0\"} 0\n")
                && text.contains("kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"2.0\"} 1\n")
                && text.contains("kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"} 1\n"), text);
        // a resync of the same state: no change, and the same trigger is not observed twice
        c.read(next);
        c.synced(next.tables(), trigger.plusSeconds(30));
        assertEquals(3, m.value("kubeproxy_sync_proxy_rules_endpoint_changes_total"));
        assertTrue(m.scrape().contains("kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"} 1\n"));
    }
}
