// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.ipvs.ApplyResult;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.VirtualServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates N virtual services (default 10000) with 10 real servers each through the SDK ({@code IpvsClient.apply}
 * of the whole table into an empty namespace: build, one dump, one batch) and through {@code ipvsadm -R} of the same
 * table, each into a fresh namespace; prints both and the ratio. Needs IPVS: run it in the kernel VM
 * ({@code scripts/kernel-vm.sh run java ...}).
 */
public final class IpvsBench {

    private IpvsBench() {
    }

    static IpvsTable table(int services) {
        IpvsTable t = new IpvsTable();
        for (int s = 0; s < services; s++) {
            IpAddress vip = IpAddress.ofBytes(new byte[] {10, 96, (byte) (s >> 8), (byte) s});
            List<Destination> dests = new ArrayList<>(10);
            for (int e = 0; e < 10; e++) {
                int n = s * 10 + e;
                dests.add(Destination.masq(IpAddress.ofBytes(new byte[] {10, (byte) (128 + (n >> 16)), (byte) (n >> 8), (byte) n}), 8080, 1));
            }
            t.add(VirtualServer.of(ServiceKey.of(Protocol.TCP, vip, 80), "rr"), dests);
        }
        return t;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) { // the first rounds warm up the JIT; the best is reported
            try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ipvs-" + ProcessHandle.current().pid() + "-" + round);
                 IpvsClient c = IpvsClient.open(ns.path())) {
                long t0 = System.nanoTime();
                ApplyResult r = c.apply(table(n));
                long t = System.nanoTime() - t0;
                if (!r.isComplete() || r.servicesAdded() != n || r.destinationsAdded() != n * 10) {
                    throw new IllegalStateException("apply did not complete: " + r.failures().size() + " failures");
                }
                best = Math.min(best, t);
            }
        }
        String text = table(n).toString();
        Path file = Files.createTempFile("svcp-ipvs", ".rules");
        Files.writeString(file, text);
        long tool;
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ipvsadm-" + ProcessHandle.current().pid())) {
            long t0 = System.nanoTime();
            ns.sh("ipvsadm -R < " + file);
            tool = System.nanoTime() - t0;
            long lines = ns.exec("ipvsadm", "-S", "-n").lines().count();
            if (lines != n * 11L) {
                throw new IllegalStateException("ipvsadm -R made " + lines + " lines, expected " + n * 11L);
            }
        } finally {
            Files.delete(file);
        }
        System.out.printf("services=%d destinations=%d sdk(build+apply)=%.3f s ipvsadm-R=%.3f s ratio=%.2f%n",
                n, n * 10, best / 1e9, tool / 1e9, (double) best / tool);
    }
}
