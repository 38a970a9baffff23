// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.k8s.BoundedFrequencyRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Endpoint churn against the sync loop the proxy runs: a writer changes one endpoint of a random service
 * {@code rate} times a second for {@code seconds}, and kube-proxy's runner (minSyncPeriod 1 s) syncs the iptables or
 * nftables backend in a fresh namespace. Prints how many changes each sync carried, the sync times, and the lag from a
 * change to the end of the sync that programmed it. The loop keeps up if that lag stays near minSyncPeriod plus one
 * sync, instead of growing: the bench says it does if no sync takes more than 3 times the median one and the second
 * half of the syncs carries at most 1.5 times the changes of the first. Arguments: services (1000), seconds (60), rate
 * (100), and {@code nft|legacy} (the iptables mode's flavour) or {@code nftables} (the nftables mode).
 */
public final class ChurnBench {

    private ChurnBench() {
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        String mode = args.length > 3 ? args[3] : "nft";
        Flavour flavour = mode.equals("legacy") ? Flavour.LEGACY : Flavour.NFT;
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.128.0.0/10"))).build();
        ServiceTable base = IptablesBench.table(services, 10);
        List<VirtualService> state = new ArrayList<>(base.services());
        List<Long> pending = new ArrayList<>(); // change times not yet programmed
        List<Double> lags = new ArrayList<>();
        List<Double> syncTimes = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-churn-" + ProcessHandle.current().pid())) {
            dev.svcproxy.api.spi.ServiceProxyBackend backend = mode.equals("nftables")
                    ? new dev.svcproxy.nftables.kube.NftablesBackend(dev.svcproxy.nftables.NftablesClient.open(ns.path()), ctx)
                    : new IptablesBackend(IptablesClient.newBuilder().netns(ns.path()).flavour(flavour).build(), ctx);
            backend.sync(ServiceTable.builder().from(base).services(state).build());
            BoundedFrequencyRunner runner = new BoundedFrequencyRunner(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1));
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            Thread writer = new Thread(() -> {
                Random random = new Random(42);
                long next = System.nanoTime();
                for (int n = 0; System.nanoTime() < end; n++) {
                    synchronized (state) {
                        int i = random.nextInt(state.size());
                        VirtualService v = state.get(i);
                        List<Endpoint> eps = new ArrayList<>(v.clusterEndpoints());
                        eps.set(random.nextInt(eps.size()), Endpoint.parse("10.250." + (n / 250 % 250) + "." + (n % 250 + 1) + ":8080"));
                        state.set(i, VirtualService.builder().from(v).clusterEndpoints(eps).build());
                        pending.add(System.nanoTime());
                    }
                    runner.request();
                    next += 1_000_000_000L / rate;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            writer.start();
            runner.started();
            runner.completed(System.nanoTime(), true);
            runner.loop(() -> {
                ServiceTable table;
                List<Long> carried;
                synchronized (state) {
                    table = ServiceTable.builder().from(base).services(state).build();
                    carried = new ArrayList<>(pending);
                    pending.clear();
                }
                long t0 = System.nanoTime();
                backend.sync(table);
                long done = System.nanoTime();
                syncTimes.add((done - t0) / 1e9);
                batch.add(carried.size());
                carried.forEach(c -> lags.add((done - c) / 1e9));
                return true;
            }, () -> System.nanoTime() > end && pending.isEmpty(), 20);
            writer.join();
        }
        lags.sort(null);
        System.out.printf("services=%d endpoints=%d mode=%s churn=%d changes/s for %d s, minSyncPeriod=1s%n", services,
                services * 10, mode.equals("nftables") ? "nftables" : "iptables (" + flavour + ")", rate, seconds);
        System.out.printf("changes: %d in %d syncs (%.0f per sync on average)%n", lags.size(), syncTimes.size(),
                lags.size() / (double) syncTimes.size());
        System.out.printf("sync time: mean %.3f s, max %.3f s%n", syncTimes.stream().mapToDouble(d -> d).average().orElse(0),
                syncTimes.stream().mapToDouble(d -> d).max().orElse(0));
        System.out.printf("change -> programmed: median %.3f s, p99 %.3f s, max %.3f s%n", lags.get(lags.size() / 2),
                lags.get((int) (lags.size() * 0.99)), lags.get(lags.size() - 1));
        StringBuilder each = new StringBuilder("each sync (changes in seconds):");
        for (int i = 0; i < batch.size(); i++) {
            each.append(String.format(" %d in %.2f;", batch.get(i), syncTimes.get(i)));
        }
        System.out.println(each);
        int firstHalf = batch.subList(0, batch.size() / 2).stream().mapToInt(i -> i).sum();
        int secondHalf = batch.subList(batch.size() / 2, batch.size()).stream().mapToInt(i -> i).sum();
        // falling behind shows as syncs that grow: each carries what came in during the last one, and takes longer
        double[] sorted = syncTimes.stream().mapToDouble(d -> d).sorted().toArray();
        boolean keepsUp = sorted[sorted.length - 1] <= 3 * sorted[sorted.length / 2] && secondHalf <= 1.5 * firstHalf;
        System.out.printf("keeps up: %s (longest sync %.1fx the median; changes carried by the first and second half of"
                + " the syncs: %d / %d)%n", keepsUp ? "yes" : "NO", sorted[sorted.length - 1] / sorted[sorted.length / 2],
                firstHalf, secondHalf);
    }
}
