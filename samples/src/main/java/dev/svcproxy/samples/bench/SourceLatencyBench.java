package dev.svcproxy.samples.bench;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * From a manifest file changing to the change being in the kernel: N services x 10 endpoints, one file per service,
 * in a directory the proxy ({@code run}, iptables mode, minSyncPeriod 0) watches in a fresh namespace. One endpoint
 * of a random service is changed at a time (the file rewritten and renamed into place, as editors and
 * {@code kubectl}-style tools do), then the bench waits until the proxy's own
 * {@code kubeproxy_network_programming_duration_seconds} has observed it (the slice carries the change's time as
 * {@code endpoints.kubernetes.io/last-change-trigger-time}). Reports the lag from the write to that observation, and
 * the sync time, per change. Arguments: services (1000), changes (30), mode ({@code iptables} or {@code nftables}).
 */
public final class SourceLatencyBench {

    private SourceLatencyBench() {
    }

    /** The sum and count of a histogram in the text exposition, over all its label sets. */
    static double[] histogram(String scrape, String name) {
        double[] sumCount = new double[2];
        scrape.lines().filter(l -> l.startsWith(name + "_sum") || l.startsWith(name + "_count")).forEach(l -> {
            double v = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            sumCount[l.startsWith(name + "_sum") ? 0 : 1] += v;
        });
        return sumCount;
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String mode = args.length > 2 ? args[2] : "iptables";
        Path dir = Files.createTempDirectory("svcp-latency");
        List<Double> lags = new ArrayList<>();
        List<Double> syncs = new ArrayList<>();
        List<Double> observed = new ArrayList<>();
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-latency-" + ProcessHandle.current().pid())) {
            for (int i = 0; i < services; i++) {
                Files.writeString(dir.resolve("svc-" + i + ".yaml"), MemoryBench.service(i, 0, ""));
            }
            long t0 = System.nanoTime();
            KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "proxy-mode", mode,
                            mode + "-min-sync-period", "0s")))
                    .source(ClusterSource.manifests(dir)).netns(ns.path()).build();
            Thread runner = new Thread(proxy::run, "proxy");
            runner.start();
            String sync = "kubeproxy_sync_proxy_rules_duration_seconds";
            String programming = "kubeproxy_network_programming_duration_seconds";
            while (histogram(proxy.metrics().scrape(), sync)[1] == 0) {
                Thread.sleep(5);
                if (System.nanoTime() - t0 > 600_000_000_000L) {
                    throw new IllegalStateException("no first sync within 10 minutes");
                }
            }
            System.out.printf("first sync %.2f s after start%n", (System.nanoTime() - t0) / 1e9);
            Random random = new Random(7);
            for (int c = 1; c <= changes; c++) {
                Thread.sleep(300); // let the proxy go idle: each change is timed alone
                String scrape = proxy.metrics().scrape();
                double[] syncBefore = histogram(scrape, sync);
                double[] programmedBefore = histogram(scrape, programming);
                int i = random.nextInt(services);
                Path tmp = dir.resolve(".svc-" + i + ".yaml.tmp");
                long write = System.nanoTime();
                Files.writeString(tmp, MemoryBench.service(i, 1_000_000 + c, "endpoints.kubernetes.io/last-change-trigger-time: '"
                        + Instant.now() + "'"));
                Files.move(tmp, dir.resolve("svc-" + i + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                double[] programmedNow;
                do {
                    Thread.sleep(2);
                    scrape = proxy.metrics().scrape();
                    programmedNow = histogram(scrape, programming);
                    if (System.nanoTime() - write > 60_000_000_000L) {
                        throw new IllegalStateException("change " + c + " not programmed within 60 s");
                    }
                } while (programmedNow[1] == programmedBefore[1]);
                lags.add((System.nanoTime() - write) / 1e9);
                observed.add((programmedNow[0] - programmedBefore[0]) / (programmedNow[1] - programmedBefore[1]));
                double[] syncNow = histogram(scrape, sync);
                syncs.add((syncNow[0] - syncBefore[0]) / Math.max(1, syncNow[1] - syncBefore[1]));
            }
            proxy.close();
            runner.join(30_000);
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
        System.out.printf("services=%d (one file each), %s mode, minSyncPeriod 0, %d changes of one endpoint%n", services, mode, changes);
        System.out.printf("write -> programmed: median %.3f s, p90 %.3f s, max %.3f s (the proxy's own histogram: mean %.3f s)%n",
                pct(lags, 50), pct(lags, 90), Collections.max(lags), observed.stream().mapToDouble(d -> d).average().orElse(0));
        System.out.printf("sync:                median %.3f s, p90 %.3f s, max %.3f s%n", pct(syncs, 50), pct(syncs, 90),
                Collections.max(syncs));
        List<Double> over = new ArrayList<>();
        for (int k = 0; k < lags.size(); k++) {
            over.add(lags.get(k) - syncs.get(k));
        }
        System.out.printf("lag beyond the sync: median %.3f s, p90 %.3f s, max %.3f s (target <= 0.2 s)%n", pct(over, 50),
                pct(over, 90), Collections.max(over));
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
