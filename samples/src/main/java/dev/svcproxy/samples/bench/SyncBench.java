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
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.kube.BuiltinJumps;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The iptables backend's own syncs against the bare {@code iptables-restore} of the same payloads, in fresh
 * namespaces: the first load of N services x 10 endpoints (default 1000), a full sync over those rules (a restarted
 * proxy), then five partial syncs of one endpoint change each (moved back and forth, the JIT warm as in a running
 * proxy, against five bare restores of the partial payload), then the running proxy's full resync (the hourly one,
 * its rules cached; against the same bare restore as the restart's), with the read of nat that full syncs need
 * timed alone too; and the tool's start alone.
 * Prints wall times (best of the rounds), ratios and payload sizes. Arguments: services, flavour
 * {@code nft|legacy}, rounds (3).
 */
public final class SyncBench {

    /** Partial syncs per round (and bare restores of the partial payload), the best counted. */
    private static final int PARTIALS = 5;

    private SyncBench() {
    }

    /** The flavour's tools' common name: {@code iptables-nft} or {@code iptables-legacy}. */
    private static String tool(Flavour flavour) {
        return flavour == Flavour.NFT ? "iptables-nft" : "iptables-legacy";
    }

    private static double restore(NetworkNamespace ns, Flavour flavour, String payload) throws Exception {
        return restore(ns, flavour, payload, "--noflush");
    }

    private static double restore(NetworkNamespace ns, Flavour flavour, String payload, String flags) throws Exception {
        Path f = Files.createTempFile("svcp-sync", ".rules");
        try {
            Files.writeString(f, payload);
            long t0 = System.nanoTime();
            ns.sh(tool(flavour) + "-restore -w 5 " + flags + " < " + f);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            Files.delete(f);
        }
    }

    /**
     * The first load's payload as the backend sends it: the full sync's chains and rules plus the built-in chains'
     * jumps into them (kube-proxy's and kubelet's; all missing in a fresh namespace). The jumps matter to the kernel:
     * the cost of loading or rewriting a chain grows with what is reachable from the built-in chains (nf_tables
     * validates the jump graph from base chains, legacy's table check walks from the hooks), so every bare restore
     * runs over the same hooked state as the backend's syncs.
     */
    private static String firstLoadPayload(ServiceTable table, KubeProxyRules rules, IptablesClient fresh) {
        List<KubeProxyRules.JumpRule> jumps = new ArrayList<>(rules.jumpRules());
        jumps.addAll(rules.kubeletJumpRules());
        IptablesTransaction tx = rules.fullSync(table, List.of(), new ArrayList<>());
        BuiltinJumps.insertMissing(fresh, tx, jumps, null);
        return payload(tx, fresh.flavour());
    }

    /** {@code tx}'s payload as the client writes it for {@code flavour}. */
    private static String payload(IptablesTransaction tx, Flavour flavour) {
        return tx.orderFor(flavour).render();
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Flavour flavour = args.length > 1 && args[1].equals("legacy") ? Flavour.LEGACY : Flavour.NFT;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.128.0.0/10"))).build();
        ServiceTable table = IptablesBench.table(services, 10);
        ServiceTable next = IptablesBench.withOneEndpointChanged(table);
        VirtualService first = table.services().get(0);
        KubeProxyRules rules = new KubeProxyRules(ctx, true);
        String fullPayload = payload(rules.fullSync(table, List.of(), new ArrayList<>()), flavour); // over the rules: no jumps to add
        boolean oneCallFirstLoad = flavour == Flavour.LEGACY || services <= 2000; // nft: > 12 min in one call at 10,000
        double bareFirst = Double.MAX_VALUE;
        double bareFirstFlush = Double.MAX_VALUE;
        double bareFull = Double.MAX_VALUE;
        double barePartial = Double.MAX_VALUE;
        double bareStart = Double.MAX_VALUE;
        double firstLoad = Double.MAX_VALUE;
        double fullSync = Double.MAX_VALUE;
        double partialSync = Double.MAX_VALUE;
        double resync = Double.MAX_VALUE;
        double bareSave = Double.MAX_VALUE;
        String firstPayload;
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-bare-" + ProcessHandle.current().pid())) {
            firstPayload = firstLoadPayload(table, rules, IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build());
        }
        String partialPayload = "";
        // best of `rounds`, each in fresh namespaces: the first round also warms up the JIT, as a running proxy is
        for (int round = 0; round < rounds; round++) {
            // the bare restores of the same payloads, in namespaces of their own
            try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-bare-" + ProcessHandle.current().pid())) {
                bareFirstFlush = Math.min(bareFirstFlush, restore(ns, flavour, firstPayload, "")); // the floor: no --noflush
            }
            try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-bare-" + ProcessHandle.current().pid())) {
                bareStart = Math.min(bareStart, restore(ns, flavour, "*nat\nCOMMIT\n")); // starting the tool, nothing to do
                if (oneCallFirstLoad) {
                    bareFirst = Math.min(bareFirst, restore(ns, flavour, firstPayload));
                } else {
                    restore(ns, flavour, firstPayload, "");
                }
                IptablesClient bare = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
                bareFull = Math.min(bareFull, restore(ns, flavour, fullPayload)); // over the same rules: a full resync
                long s0 = System.nanoTime(); // what a full sync reads besides: the nat table (stale chains, jumps)
                ns.sh(tool(flavour) + "-save -t nat > /dev/null");
                bareSave = Math.min(bareSave, (System.nanoTime() - s0) / 1e9);
                partialPayload = payload(rules.partialSync(next, bare.chains(dev.svcproxy.iptables.Table.NAT), new ArrayList<>(),
                        java.util.Set.of(first.name())), flavour);
                for (int i = 0; i < PARTIALS; i++) {
                    barePartial = Math.min(barePartial, restore(ns, flavour, partialPayload));
                }
            }
            try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-sync-" + ProcessHandle.current().pid())) {
                IptablesClient client = IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build();
                IptablesBackend loader = new IptablesBackend(client, ctx); // asks the tool its version: not the sync's cost
                long t0 = System.nanoTime();
                SyncResult load = loader.sync(table);
                firstLoad = Math.min(firstLoad, (System.nanoTime() - t0) / 1e9);
                IptablesBackend backend = new IptablesBackend(client, ctx); // a restarted proxy: full sync over its rules
                t0 = System.nanoTime();
                SyncResult full = backend.sync(table);
                fullSync = Math.min(fullSync, (System.nanoTime() - t0) / 1e9);
                boolean allPartial = true;
                for (int i = 0; i < PARTIALS; i++) { // one endpoint moved back and forth, as a running proxy syncs
                    t0 = System.nanoTime();
                    SyncResult partial = backend.sync(i % 2 == 0 ? next : table);
                    partialSync = Math.min(partialSync, (System.nanoTime() - t0) / 1e9);
                    allPartial &= !partial.full();
                }
                backend.fullSyncNext(); // the hourly full sync of a running proxy: its rules cached, the JIT warm
                t0 = System.nanoTime();
                SyncResult running = backend.sync(next);
                resync = Math.min(resync, (System.nanoTime() - t0) / 1e9);
                if (!load.full() || !full.full() || !allPartial || !running.full()) {
                    throw new IllegalStateException("expected two full syncs, then partial ones, then a full one");
                }
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("services=%d endpoints=%d flavour=%s, best of %d rounds%n", services, services * 10, flavour, rounds);
        System.out.printf("first load:   %.3f s, bare restore --noflush %s, without --noflush %.3f s (ratio %.2f), payload %.1f MiB%n",
                firstLoad, oneCallFirstLoad ? String.format("%.3f s (ratio %.2f)", bareFirst, firstLoad / bareFirst) : "not run (one call: > 12 min)",
                bareFirstFlush, firstLoad / bareFirstFlush, fullPayload.length() / 1048576.0);
        System.out.printf("full sync:    %.3f s, bare restore %.3f s, ratio %.2f (over the same rules: a restarted proxy)%n",
                fullSync, bareFull, fullSync / bareFull);
        System.out.printf("full resync:  %.3f s, bare restore %.3f s, ratio %.2f (a running proxy's: its rules cached)%n",
                resync, bareFull, resync / bareFull);
        System.out.printf("the full syncs' read of nat alone (iptables-save -t nat): %.3f s; full sync / (bare restore + read) %.2f,"
                + " full resync / (bare restore + read) %.2f%n", bareSave, fullSync / (bareFull + bareSave), resync / (bareFull + bareSave));
        System.out.printf("partial sync: %.3f s, bare restore %.3f s, ratio %.2f, payload %d lines (%.1f KiB)%n", partialSync,
                barePartial, partialSync / barePartial, partialPayload.lines().count(), partialPayload.length() / 1024.0);
        System.out.printf("starting the tool (an empty restore): %.3f s%n", bareStart);
        System.out.printf("heap after the syncs: %.0f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }
}
