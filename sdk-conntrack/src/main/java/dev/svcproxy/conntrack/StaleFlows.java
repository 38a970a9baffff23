// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * kube-proxy's stale UDP conntrack clean-up ({@code CleanStaleEntries}): after a sync, UDP flows to a service
 * frontend (cluster IP, external IP or load-balancer IP and port, or the node port) whose replies come from an
 * address that is no longer one of the service's endpoints are deleted, so that clients stop sending into a
 * black hole. Services without endpoints are left alone (their clients get ICMP errors from the REJECT rules).
 */
public final class StaleFlows {

    private StaleFlows() {
    }

    private static String key(IpAddress ip, int port) {
        return ip + "|" + port;
    }

    /**
     * The filter matching the stale UDP entries of {@code table}'s family.
     *
     * @param table the desired state of one family
     * @return the filter
     */
    public static ConntrackFilter filter(ServiceTable table) {
        Map<String, Set<String>> byFrontend = new HashMap<>();
        Map<Integer, Set<String>> byNodePort = new HashMap<>();
        for (VirtualService s : table.services()) {
            if (s.protocol() != Protocol.UDP || !s.hasAnyEndpoints()) {
                continue;
            }
            Set<String> serving = new HashSet<>();
            for (Endpoint e : s.clusterEndpoints()) {
                serving.add(key(e.ip(), e.port()));
            }
            for (Endpoint e : s.localEndpoints()) {
                serving.add(key(e.ip(), e.port()));
            }
            s.clusterIp().ifPresent(ip -> byFrontend.computeIfAbsent(key(ip, s.port()), k -> new HashSet<>()).addAll(serving));
            s.externalIps().forEach(ip -> byFrontend.computeIfAbsent(key(ip, s.port()), k -> new HashSet<>()).addAll(serving));
            s.loadBalancerIps().forEach(ip -> byFrontend.computeIfAbsent(key(ip, s.port()), k -> new HashSet<>()).addAll(serving));
            if (s.nodePort() != 0) {
                byNodePort.computeIfAbsent(s.nodePort(), k -> new HashSet<>()).addAll(serving);
            }
        }
        return ConntrackFilter.builder().family(table.family()).protocol(Protocol.UDP).where(e -> {
            String reply = key(e.reply().src(), e.reply().srcPort());
            Set<String> serving = byFrontend.get(key(e.original().dst(), e.original().dstPort()));
            if (serving == null) {
                serving = byNodePort.get(e.original().dstPort());
            }
            return serving != null && !serving.contains(reply);
        }).build();
    }

    /**
     * Deletes the stale UDP entries of {@code table}'s family; returns how many.
     *
     * @param client the conntrack client of the namespace
     * @param table the desired state of one family
     * @return how many entries were deleted
     */
    public static int clean(ConntrackClient client, ServiceTable table) {
        return client.delete(filter(table));
    }
}
