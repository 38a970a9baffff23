// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyFlags;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy's memory for N services x 10 endpoints read from one manifest file: the live heap after a full
 * collection once the desired state is built and a full sync's payload rendered (what a running proxy holds between
 * syncs, plus one payload), the resident set and its peak, and the share of the time spent in garbage collection.
 * Nothing touches the kernel. Arguments: services (1000), mode ({@code iptables}, {@code nftables} or {@code ipvs}),
 * and optionally {@code --kubeconfig FILE}: then the objects come from that API server through the proxy's informers
 * (which must already hold the N services, as {@code ApiMemoryBenchTest} prepares them in fabric8's mock server)
 * instead of from a manifest file the bench writes. Run it with the heap cap to check, e.g. {@code -Xmx256m};
 * {@code -Dbench.histogram=true} also prints the 40 largest classes of the live heap.
 */
public final class MemoryBench {

    private MemoryBench() {
    }

    /** N Services, each with one EndpointSlice of 10 endpoints, as one YAML file. */
    static void manifests(Path file, int services) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < services; i++) {
                w.write(service(i, 0, ""));
            }
        }
    }

    /**
     * Service {@code svc-i} and its EndpointSlice of 10 endpoints, the last one moved by {@code shift} addresses, with
     * {@code sliceAnnotations} (YAML flow-map entries, may be empty), as YAML documents.
     */
    static String service(int i, int shift, String sliceAnnotations) {
        StringBuilder w = new StringBuilder();
        w.append("apiVersion: v1\nkind: Service\nmetadata: {name: svc-").append(i).append(", namespace: ns").append(i % 100).append("}\n")
                .append("spec: {clusterIP: 10.96.").append(i >> 8 & 0xff).append('.').append(i & 0xff)
                .append(", ports: [{name: http, port: 80}]}\n---\n")
                .append("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: svc-").append(i).append("-x, namespace: ns")
                .append(i % 100).append(", labels: {kubernetes.io/service-name: svc-").append(i).append("}")
                .append(sliceAnnotations.isEmpty() ? "" : ", annotations: {" + sliceAnnotations + "}").append("}\naddressType: IPv4\n")
                .append("ports: [{name: http, port: 8080}]\nendpoints: [");
        for (int e = 0; e < 10; e++) {
            int n = i * 10 + e + (e == 9 ? shift : 0);
            w.append(e == 0 ? "" : ", ").append("{addresses: [10.").append(128 + (n >> 16 & 0x3f)).append('.').append(n >> 8 & 0xff)
                    .append('.').append(n & 0xff).append("]}");
        }
        return w.append("]\n---\n").toString();
    }

    static long statusKb(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
    }

    static long liveHeapBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String mode = args.length > 1 ? args[1] : "iptables";
        Optional<Path> kubeconfig = args.length > 3 && args[2].equals("--kubeconfig") ? Optional.of(Path.of(args[3])) : Optional.empty();
        Path dir = Files.createTempDirectory("svcp-memory");
        Path file = dir.resolve("services.yaml");
        try {
            if (kubeconfig.isEmpty()) {
                manifests(file, services);
            }
            long before = liveHeapBytes();
            long t0 = System.nanoTime();
            try (KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "proxy-mode", mode)))
                    .source(kubeconfig.isPresent() ? ClusterSource.apiServer(kubeconfig, "node-a", Duration.ZERO) : ClusterSource.manifests(file))
                    .build()) {
                int built = proxy.tables().table(IpFamily.IPV4).services().size();
                long[] payload = {0};
                proxy.render(IpFamily.IPV4, new Appendable() { // streamed and counted, as `svcproxy render` writes it out
                    @Override
                    public Appendable append(CharSequence csq) {
                        payload[0] += csq.length();
                        return this;
                    }

                    @Override
                    public Appendable append(CharSequence csq, int start, int end) {
                        payload[0] += end - start;
                        return this;
                    }

                    @Override
                    public Appendable append(char c) {
                        payload[0]++;
                        return this;
                    }
                });
                double seconds = (System.nanoTime() - t0) / 1e9;
                long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
                double uptime = ManagementFactory.getRuntimeMXBean().getUptime();
                long peakKb = statusKb("VmHWM");
                long live = liveHeapBytes(); // the forced collections come after the GC time is read
                System.out.printf("services=%d endpoints=%d mode=%s source=%s max heap=%d MiB%n", services, services * 10, mode,
                        kubeconfig.isPresent() ? "API server" : String.format("manifest of %.1f MiB", Files.size(file) / 1048576.0),
                        Runtime.getRuntime().maxMemory() >> 20);
                System.out.printf("built %d services and a %.1f MiB payload in %.2f s%n", built, payload[0] / 1048576.0, seconds);
                System.out.printf("live heap after GC: %.1f MiB (%.1f MiB before reading)%n", live / 1048576.0, before / 1048576.0);
                System.out.printf("RSS now: %d MiB, peak RSS while building: %d MiB%n", statusKb("VmRSS") >> 10, peakKb >> 10);
                if (Boolean.getBoolean("bench.histogram")) {
                    String h = (String) ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
                    h.lines().limit(40).forEach(System.out::println);
                }
                System.out.printf("GC time: %d ms of %.0f ms uptime (%.1f%%)%n", gcMillis, uptime, 100 * gcMillis / uptime);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
