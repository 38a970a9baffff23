// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.kube.NftablesBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The nftables backend's own syncs, in fresh namespaces: the first (full) sync of kube-proxy's nftables table for N
 * services x 10 endpoints (default 1000) against {@code nft -f} of the same table (the backend's render), then a sync
 * after one endpoint change (five changes, back and forth), with the number of operations it sent. Arguments:
 * services, rounds (3), and {@code sdk-only} to leave out the {@code nft -f} floor; best of the rounds.
 */
public final class NftablesSyncBench {

    private static final int CHANGES = Integer.getInteger("changes", 5);

    private NftablesSyncBench() {
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean withFloor = args.length <= 2 || !args[2].equals("sdk-only");
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.128.0.0/10"))).build();
        ServiceTable table = IptablesBench.table(services, 10);
        ServiceTable next = IptablesBench.withOneEndpointChanged(table);
        double bare = Double.MAX_VALUE;
        double full = Double.MAX_VALUE;
        double change = Double.MAX_VALUE;
        int operations = 0;
        Path script = Files.createTempFile("svcp-nft", ".nft");
        try {
            for (int round = 0; round < rounds; round++) {
                if (withFloor) {
                    try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-nftbare-" + ProcessHandle.current().pid());
                     NftablesBackend render = new NftablesBackend(new dev.svcproxy.nftables.FakeNftables(), ctx)) {
                    Files.writeString(script, render.render(table));
                    long t0 = System.nanoTime();
                    ns.exec("nft", "-f", script.toString());
                    bare = Math.min(bare, (System.nanoTime() - t0) / 1e9);
                    }
                }
                try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-nftsync-" + ProcessHandle.current().pid());
                     NftablesBackend backend = new NftablesBackend(NftablesClient.open(ns.path()), ctx)) {
                    long t0 = System.nanoTime();
                    SyncResult first = backend.sync(table);
                    full = Math.min(full, (System.nanoTime() - t0) / 1e9);
                    // five changes back and forth, as a running proxy meets them
                    for (int i = 0; i < CHANGES; i++) {
                        t0 = System.nanoTime();
                        SyncResult second = backend.sync(i % 2 == 0 ? next : table);
                        change = Math.min(change, (System.nanoTime() - t0) / 1e9);
                        operations = backend.lastOperations();
                        if (!first.full() || second.full()) {
                            throw new IllegalStateException("expected a full then partial syncs");
                        }
                    }
                }
            }
        } finally {
            Files.delete(script);
        }
        System.out.printf("services=%d endpoints=%d, best of %d rounds%n", services, services * 10, rounds);
        if (withFloor) {
            System.out.printf("first sync:          %.3f s, nft -f of the same table %.3f s, ratio %.2f%n", full, bare, full / bare);
        } else {
            System.out.printf("first sync:          %.3f s%n", full);
        }
        System.out.printf("one endpoint change: %.4f s, %d operations in one transaction%n", change, operations);
    }
}
