// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
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
 * the time of the sync that programmed it (every family's backend, as the proxy runs them one after the other). Arguments: services (1000), changes (30), mode ({@code iptables} or {@code nftables}).
 * {@code ApiSourceLatencyBenchTest} measures the same from fabric8's mock API server, the change an EndpointSlice edited
 * through the API.
 */
public final class SourceLatencyBench {

    private SourceLatencyBench() {
    }

    /** The sum and count of a histogram in the text exposition, per label set (per IP family). */
    static Map<String, double[]> histogram(String scrape, String name) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        scrape.lines().filter(l -> l.startsWith(name + "_sum") || l.startsWith(name + "_count")).forEach(l -> {
            int space = l.lastIndexOf(' ');
            String labels = l.substring(l.startsWith(name + "_sum") ? name.length() + 4 : name.length() + 6, space);
            out.computeIfAbsent(labels, k -> new double[2])[l.startsWith(name + "_sum") ? 0 : 1] += Double.parseDouble(l.substring(space + 1));
        });
        return out;
    }

    private static double count(Map<String, double[]> h) {
        return h.values().stream().mapToDouble(v -> v[1]).sum();
    }

    /** The time of one sync of every family between two scrapes: per family, the mean of its syncs in between. */
    private static double passTime(Map<String, double[]> before, Map<String, double[]> after) {
        double t = 0;
        for (Map.Entry<String, double[]> e : after.entrySet()) {
            double[] b = before.getOrDefault(e.getKey(), new double[2]);
            double n = e.getValue()[1] - b[1];
            t += n == 0 ? 0 : (e.getValue()[0] - b[0]) / n;
        }
        return t;
    }

    /** One change of one endpoint of service {@code i} ({@link MemoryBench#service}), carrying its trigger time. */
    @FunctionalInterface
    interface Change {
        void apply(int service, int shift, String sliceAnnotations) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String mode = args.length > 2 ? args[2] : "iptables";
        Path dir = Files.createTempDirectory("svcp-latency");
        try {
            for (int i = 0; i < services; i++) {
                Files.writeString(dir.resolve("svc-" + i + ".yaml"), MemoryBench.service(i, 0, ""));
            }
            measure(ClusterSource.manifests(dir), "one file each", services, changes, mode, (i, shift, annotations) -> {
                Path tmp = dir.resolve(".svc-" + i + ".yaml.tmp"); // written beside, renamed into place
                Files.writeString(tmp, MemoryBench.service(i, shift, annotations));
                Files.move(tmp, dir.resolve("svc-" + i + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            });
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * Runs a proxy over {@code source} (N services x 10 endpoints) in a fresh namespace, makes {@code changes} changes
     * through {@code change}, one at a time, and prints the lags; returns the report's text.
     */
    static String measure(ClusterSource source, String sourceName, int services, int changes, String mode, Change change)
            throws Exception {
        List<Double> lags = new ArrayList<>();
        List<Double> syncs = new ArrayList<>();
        List<Double> observed = new ArrayList<>();
        List<Double> writes = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-latency-" + ProcessHandle.current().pid())) {
            long t0 = System.nanoTime();
            KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "proxy-mode", mode,
                            mode + "-min-sync-period", "0s")))
                    .source(source).netns(ns.path()).build();
            Thread runner = new Thread(proxy::run, "proxy");
            runner.start();
            String sync = "kubeproxy_sync_proxy_rules_duration_seconds";
            String programming = "kubeproxy_network_programming_duration_seconds";
            while (count(histogram(proxy.metrics().scrape(), sync)) == 0) {
                Thread.sleep(5);
                if (System.nanoTime() - t0 > 600_000_000_000L) {
                    throw new IllegalStateException("no first sync within 10 minutes");
                }
            }
            report.append(String.format("first sync %.2f s after start%n", (System.nanoTime() - t0) / 1e9));
            Random random = new Random(7);
            for (int c = 1; c <= changes; c++) {
                Thread.sleep(300); // let the proxy go idle: each change is timed alone
                String scrape = proxy.metrics().scrape();
                Map<String, double[]> syncBefore = histogram(scrape, sync);
                Map<String, double[]> programmedBefore = histogram(scrape, programming);
                int i = random.nextInt(services);
                long write = System.nanoTime();
                change.apply(i, 1_000_000 + c, "endpoints.kubernetes.io/last-change-trigger-time: '" + Instant.now() + "'");
                writes.add((System.nanoTime() - write) / 1e9);
                Map<String, double[]> programmedNow;
                do {
                    Thread.sleep(2);
                    scrape = proxy.metrics().scrape();
                    programmedNow = histogram(scrape, programming);
                    if (System.nanoTime() - write > 60_000_000_000L) {
                        throw new IllegalStateException("change " + c + " not programmed within 60 s");
                    }
                } while (count(programmedNow) == count(programmedBefore));
                lags.add((System.nanoTime() - write) / 1e9);
                observed.add(passTime(programmedBefore, programmedNow));
                syncs.add(passTime(syncBefore, histogram(scrape, sync)));
            }
            proxy.close();
            runner.join(30_000);
        }
        report.append(String.format("services=%d (%s), %s mode, minSyncPeriod 0, %d changes of one endpoint%n", services, sourceName,
                mode, changes));
        report.append(String.format("write -> programmed: median %.3f s, p90 %.3f s, max %.3f s (the proxy's own histogram: mean %.3f s)%n",
                pct(lags, 50), pct(lags, 90), Collections.max(lags), observed.stream().mapToDouble(d -> d).average().orElse(0)));
        report.append(String.format("sync:                median %.3f s, p90 %.3f s, max %.3f s%n", pct(syncs, 50), pct(syncs, 90),
                Collections.max(syncs)));
        report.append(String.format("the write itself:    median %.3f s, p90 %.3f s, max %.3f s%n", pct(writes, 50), pct(writes, 90),
                Collections.max(writes)));
        List<Double> over = new ArrayList<>();
        for (int k = 0; k < lags.size(); k++) {
            over.add(lags.get(k) - syncs.get(k) - writes.get(k));
        }
        report.append(String.format("lag beyond the write and the sync: median %.3f s, p90 %.3f s, max %.3f s (target <= 0.2 s)%n",
                pct(over, 50), pct(over, 90), Collections.max(over)));
        System.out.print(report);
        return report.toString();
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
