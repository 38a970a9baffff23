// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Field;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.Rule;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.TableContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * sdk-nftables against {@code nft}, in one run, each into a fresh namespace: kube-proxy's nftables table for N
 * services (default 10000) x E endpoints (default 10): the {@code service-ips} verdict map and the
 * {@code cluster-ips} set filled; a chain per service ({@code numgen random mod E vmap} over its endpoints) and per
 * endpoint (mark for masquerade, {@code dnat}). Then one map element added and deleted at that size (SDK: one
 * transaction each; {@code nft}: one command each), and the whole table listed back.
 */
public final class NftablesBench {

    private NftablesBench() {
    }

    static NftTransaction layout(Table t, int services, int endpoints) {
        NftSet clusterIps = NftSet.set(t, "cluster-ips", DataType.IPV4_ADDR).withComment("Active ClusterIPs");
        NftSet serviceIps = serviceIps(t);
        NftTransaction tx = NftTransaction.create().add(t).add(clusterIps).add(serviceIps)
                .add(Chain.base(t, "nat-prerouting", Chain.Hook.of(Chain.Type.NAT, Chain.HookPoint.PREROUTING, "dstnat")));
        List<Element> ips = new ArrayList<>();
        List<Element> vmap = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            String svc = "service-" + String.format("%08X", s) + "-ns" + s / 100 + "/svc" + s + "/tcp/http";
            Chain svcChain = Chain.of(t, svc);
            tx.add(svcChain);
            List<dev.svcproxy.nftables.Verdict> eps = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                String pod = "10." + (100 + e) + "." + (s >> 8 & 0xff) + "." + (s & 0xff);
                Chain ep = Chain.of(t, "endpoint-" + String.format("%08X", s * endpoints + e) + "-ns" + s / 100 + "/svc" + s
                        + "/tcp/http__" + pod + "/80");
                tx.add(ep).add(Rule.in(ep).setMarkOr(0x4000).build())
                        .add(Rule.in(ep).match(Field.META_L4PROTO, "tcp").dnat(IpAddress.parse(pod), 80).build());
                eps.add(dev.svcproxy.nftables.Verdict.goTo(ep.name()));
            }
            tx.add(Rule.in(svcChain).numgenVmap(eps).build());
            String ip = clusterIp(s);
            ips.add(Element.of(ip));
            vmap.add(Element.of(List.of(ip, "tcp", "80"), dev.svcproxy.nftables.Verdict.goTo(svc)));
        }
        return tx.addElements(clusterIps, ips).addElements(serviceIps, vmap);
    }

    static NftSet serviceIps(Table t) {
        return NftSet.map(t, "service-ips", List.of(DataType.IPV4_ADDR, DataType.INET_PROTO, DataType.INET_SERVICE), DataType.VERDICT)
                .withComment("ClusterIP, ExternalIP and LoadBalancer IP traffic");
    }

    static String clusterIp(int s) {
        return "172.30." + (s >> 8 & 0xff) + "." + (s & 0xff);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int endpoints = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int part = args.length > 2 ? Integer.parseInt(args[2]) : 2000; // operations per transaction of the load
        Table t = Table.of(Family.IP, "kube-proxy");
        String pid = String.valueOf(ProcessHandle.current().pid());
        try (NetworkNamespace warm = NetworkNamespace.create("svcp-bench-nft-warm-" + pid);
             NftablesClient w = NftablesClient.open(warm.path())) {
            for (NftTransaction p : layout(t, services, endpoints).split(part)) {
                w.apply(p); // the JIT warms up on a first load, as in a long-running proxy
            }
        }
        try (NetworkNamespace a = NetworkNamespace.create("svcp-bench-nft-sdk-" + pid);
             NetworkNamespace b = NetworkNamespace.create("svcp-bench-nft-cli-" + pid);
             NftablesClient c = NftablesClient.open(a.path())) {
            long t0 = System.nanoTime();
            NftTransaction tx = layout(t, services, endpoints);
            long built = System.nanoTime();
            for (NftTransaction p : tx.split(part)) {
                c.apply(p);
            }
            long sdk = System.nanoTime() - t0;
            List<Path> scripts = new ArrayList<>();
            for (NftTransaction p : tx.split(part)) {
                Path script = Files.createTempFile("svcp-nft", ".nft");
                Files.writeString(script, p.toString());
                scripts.add(script);
            }
            long t1 = System.nanoTime();
            for (Path script : scripts) {
                b.exec("nft", "-f", script.toString()); // the same parts, one nft -f each
            }
            long cli = System.nanoTime() - t1;
            for (Path script : scripts) {
                Files.delete(script);
            }
            System.out.printf("load %d services x %d endpoints (%d chains, %d rules, %d elements) in %d transactions of <= %d operations:"
                    + " sdk %.2f s (build %.2f s), nft -f %.2f s, ratio %.3f%n", services, endpoints, services * (endpoints + 1) + 1,
                    services * (2 * endpoints + 1), 2 * services, tx.split(part).size(), part, sdk / 1e9, (built - t0) / 1e9, cli / 1e9,
                    (double) sdk / cli);

            NftSet map = serviceIps(t);
            Element extra = Element.of(List.of("172.31.255.254", "tcp", "80"),
                    dev.svcproxy.nftables.Verdict.goTo("service-00000000-ns0/svc0/tcp/http"));
            double[] sdkMs = new double[21];
            for (int i = 0; i < sdkMs.length; i++) {
                long s0 = System.nanoTime();
                c.apply(NftTransaction.create().addElements(map, extra));
                c.apply(NftTransaction.create().deleteElements(map, extra));
                sdkMs[i] = (System.nanoTime() - s0) / 1e6 / 2;
            }
            double[] cliMs = new double[3];
            for (int i = 0; i < cliMs.length; i++) {
                long s0 = System.nanoTime();
                b.exec("nft", "add", "element", "ip", "kube-proxy", "service-ips", "{ 172.31.255.254 . tcp . 80 : goto service-00000000-ns0/svc0/tcp/http }");
                b.exec("nft", "delete", "element", "ip", "kube-proxy", "service-ips", "{ 172.31.255.254 . tcp . 80 }");
                cliMs[i] = (System.nanoTime() - s0) / 1e6 / 2;
            }
            System.out.printf("one element change at %d services: sdk %.1f ms (median of %d), nft %.0f ms (median of %d), ratio %.3f%n",
                    services, median(sdkMs), sdkMs.length, median(cliMs), cliMs.length, median(sdkMs) / median(cliMs));

            long l0 = System.nanoTime();
            TableContents listed = c.list(Family.IP, "kube-proxy").orElseThrow();
            long list = System.nanoTime() - l0;
            int entries = listed.chains().size() + listed.rules().size() + listed.sets().stream().mapToInt(s -> s.elements().size()).sum();
            long n0 = System.nanoTime();
            a.exec("nft", "list", "table", "ip", "kube-proxy");
            long nftList = System.nanoTime() - n0;
            System.out.printf("list the table back: sdk %.2f s (%d entries, %.0f entries/s), nft list %.2f s%n", list / 1e9, entries,
                    entries / (list / 1e9), nftList / 1e9);
        }
    }
}
