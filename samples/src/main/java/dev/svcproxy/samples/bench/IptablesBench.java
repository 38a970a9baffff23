// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Build + render of kube-proxy's layout for N services x 10 endpoints, against {@code iptables-restore} of the same
 * payload into a fresh namespace (the kernel's floor), plus the iptables-save parse rate. Arguments: services
 * (default 10000), flavour {@code nft|legacy} (default nft).
 */
public final class IptablesBench {

    private IptablesBench() {
    }

    static ServiceTable table(int services, int endpoints) {
        List<VirtualService> list = new ArrayList<>(services);
        for (int s = 0; s < services; s++) {
            VirtualService.Builder b = VirtualService.builder()
                    .name(ServicePortName.of("ns" + (s % 100), "svc" + s, "http")).protocol(Protocol.TCP).port(80)
                    .clusterIp(IpAddress.parse("10.96." + (s >> 8 & 0xff) + "." + (s & 0xff)));
            for (int e = 0; e < endpoints; e++) {
                int n = s * endpoints + e;
                b.addClusterEndpoint(Endpoint.parse("10." + (128 + (n >> 16 & 0x3f)) + "." + (n >> 8 & 0xff) + "." + (n & 0xff) + ":8080"));
            }
            list.add(b.build());
        }
        return ServiceTable.builder().family(IpFamily.IPV4).addAllServices(list).build();
    }

    /** {@code table} with the first service's last endpoint replaced by 10.250.0.1:8080: one endpoint change. */
    static ServiceTable withOneEndpointChanged(ServiceTable table) {
        List<VirtualService> changed = new ArrayList<>(table.services());
        VirtualService first = changed.get(0);
        changed.set(0, VirtualService.builder().from(first).clusterEndpoints(first.clusterEndpoints().subList(0, first.clusterEndpoints().size() - 1))
                .addClusterEndpoint(Endpoint.parse("10.250.0.1:8080")).build());
        return ServiceTable.builder().from(table).services(changed).build();
    }

    public static void main(String[] args) {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        Flavour flavour = args.length > 1 && args[1].equals("legacy") ? Flavour.LEGACY : Flavour.NFT;
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.128.0.0/10"))).build();
        ServiceTable table = table(services, 10);
        KubeProxyRules rules = new KubeProxyRules(ctx, true);
        // warm up for ~3 s (at most 50 runs) so the JIT has compiled the code, as in a running proxy;
        // then report the best of 5 build+render runs
        String payload = null;
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 50 && System.nanoTime() < warmUntil; i++) {
            payload = rules.fullSync(table, List.of(), new ArrayList<>()).render();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            IptablesTransaction tx = rules.fullSync(table, List.of(), new ArrayList<>());
            payload = tx.render();
            best = Math.min(best, System.nanoTime() - t0);
        }
        long lines = payload.lines().count();
        System.out.printf("services=%d endpoints=%d flavour=%s payload=%d lines, %.1f MiB%n", services, services * 10,
                flavour, lines, payload.getBytes(StandardCharsets.UTF_8).length / 1048576.0);
        System.out.printf("java build+render: %.3f s (best of 5 after warm-up)%n", best / 1e9);

        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-" + ProcessHandle.current().pid())) {
            IptablesClient client = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
            IptablesTransaction tx = rules.fullSync(table, List.of(), new ArrayList<>());
            long t0 = System.nanoTime();
            client.apply(tx);
            long restore = System.nanoTime() - t0;
            System.out.printf("iptables-restore (%s) into a fresh namespace: %.3f s%n", flavour, restore / 1e9);
            System.out.printf("ratio java/restore: %.4f%n", (double) best / restore);

            t0 = System.nanoTime();
            String save = ns.exec(flavour == Flavour.NFT ? "iptables-nft-save" : "iptables-legacy-save", "-t", "nat");
            long saveTime = System.nanoTime() - t0;
            long bestParse = Long.MAX_VALUE;
            Ruleset parsed = null;
            for (int i = 0; i < 4; i++) {
                t0 = System.nanoTime();
                parsed = Ruleset.parse(save, IpFamily.IPV4);
                if (i > 0) {
                    bestParse = Math.min(bestParse, System.nanoTime() - t0);
                }
            }
            long rulesParsed = parsed.chains(dev.svcproxy.iptables.Table.NAT).values().stream().mapToLong(c -> c.rules().size()).sum();
            System.out.printf("iptables-save -t nat: %.3f s; parse of %d rules: %.3f s = %.0f rules/s%n",
                    saveTime / 1e9, rulesParsed, bestParse / 1e9, rulesParsed / (bestParse / 1e9));
        }
    }
}
