// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.kube.IpvsBackend;
import dev.svcproxy.ipvs.kube.IpvsProxyRules;
import dev.svcproxy.netlink.route.RouteClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPVS backend's syncs against the kernel floor, in fresh namespaces (run it in the kernel VM): a full sync of
 * N services x 10 endpoints (default 1000), then a sync after one endpoint changed. The floor for the full sync is
 * the tools loading the same state: {@code ipset restore}, {@code ip -batch} for the {@code kube-ipvs0}
 * addresses, {@code ipvsadm -R} and {@code iptables-restore}; for the change, the one {@code ipvsadm} edit it needs.
 * Each round makes one full sync, then six incremental ones (the endpoint changed, back, and again); the best of each
 * kind is reported.
 * Arguments: services (1000), rounds (3; the best is reported).
 */
public final class IpvsSyncBench {

    private static final int CHANGES = 6;

    private IpvsSyncBench() {
    }

    private static double timed(NetworkNamespace ns, String script) {
        long t0 = System.nanoTime();
        ns.sh(script);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The lines of {@code render} between {@code # from} and the next {@code # } header. */
    private static String section(String render, String from) {
        int i = render.indexOf("# " + from + "\n") + from.length() + 3;
        int j = render.indexOf("\n# ", i - 1);
        return render.substring(i, j < 0 ? render.length() : j + 1);
    }

    private static String phases(IpvsBackend b) {
        StringBuilder sb = new StringBuilder();
        b.lastPhases().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v.toMillis()).append(" ms"));
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // a syncPeriod longer than the run: under emulation at 10,000 services the incremental syncs outlast the default 30 s,
        // after which the backend's periodic full sync would be due
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.128.0.0/10")))
                .syncPeriod(java.time.Duration.ofHours(1)).build();
        ServiceTable table = IptablesBench.table(services, 10);
        ServiceTable next = IptablesBench.withOneEndpointChanged(table);
        VirtualService first = table.services().get(0);
        double full = Double.MAX_VALUE;
        double incremental = Double.MAX_VALUE;
        String incrementalPhases = "";
        for (int round = 0; round < rounds; round++) {
            try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ipvssync-" + ProcessHandle.current().pid());
                 IpvsBackend backend = new IpvsBackend(ctx, IpvsClient.open(ns.path()), IpsetClient.open(ns.path()),
                         RouteClient.open(ns.path()), IptablesClient.newBuilder().netns(ns.path()).build())) {
                long t0 = System.nanoTime();
                SyncResult a = backend.sync(table);
                full = Math.min(full, (System.nanoTime() - t0) / 1e9);
                // one endpoint changed, then changed back, a few times: each an incremental sync (a running proxy's JIT is warm)
                for (int i = 0; i < CHANGES; i++) {
                    long t1 = System.nanoTime();
                    SyncResult b = backend.sync(i % 2 == 0 ? next : table);
                    double took = (System.nanoTime() - t1) / 1e9;
                    if (!a.skipped().isEmpty() || !b.skipped().isEmpty() || b.full()) {
                        throw new IllegalStateException("skipped: " + a.skipped() + b.skipped() + ", full: " + b.full());
                    }
                    if (took < incremental) {
                        incremental = took;
                        incrementalPhases = phases(backend);
                    }
                }
            }
        }
        String render = new IpvsProxyRules(ctx, "rr", true).build(table, List.of(), new ArrayList<>()).render();
        Path dir = Files.createTempDirectory("svcp-ipvssync");
        Files.writeString(dir.resolve("ipset"), section(render, "ipset"));
        Files.writeString(dir.resolve("ipvs"), section(render, "ipvs"));
        Files.writeString(dir.resolve("iptables"), section(render, "iptables"));
        StringBuilder addrs = new StringBuilder();
        section(render, "kube-ipvs0").lines().forEach(l -> addrs.append("addr add ").append(l.substring(8)).append("/32 dev kube-ipvs0\n"));
        Files.writeString(dir.resolve("addrs"), addrs);
        double floorFull;
        double floorEdit;
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ipvsfloor-" + ProcessHandle.current().pid())) {
            ns.sh("ip link add kube-ipvs0 type dummy");
            floorFull = timed(ns, "ipset restore < " + dir.resolve("ipset")) + timed(ns, "ip -batch " + dir.resolve("addrs"))
                    + timed(ns, "ipvsadm -R < " + dir.resolve("ipvs")) + timed(ns, "iptables-restore -w 5 --noflush < " + dir.resolve("iptables"));
            String vip = first.clusterIp().orElseThrow() + ":" + first.port();
            floorEdit = timed(ns, "ipvsadm -d -t " + vip + " -r " + first.clusterEndpoints().get(9).hostPort()
                    + " && ipvsadm -a -t " + vip + " -r 10.250.0.1:8080 -m -w 1");
        } finally {
            for (String f : List.of("ipset", "ipvs", "iptables", "addrs")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.delete(dir);
        }
        System.out.printf("services=%d endpoints=%d, best of %d rounds%n", services, services * 10, rounds);
        System.out.printf("full sync:        %.3f s, floor (ipset restore + ip -batch + ipvsadm -R + iptables-restore) %.3f s, ratio %.2f%n",
                full, floorFull, full / floorFull);
        System.out.printf("one endpoint:     %.3f s, floor (ipvsadm -d + -a) %.3f s, ratio %.1f%n", incremental, floorEdit,
                incremental / floorEdit);
        System.out.println("where one-endpoint sync time went: " + incrementalPhases);
    }
}
