// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static dev.svcproxy.samples.cli.SvcproxyKernelTest.LAUNCHER;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.http;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.read;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak (tag {@code soak}, never in CI; root; {@code mvn -o -pl samples surefire:test@soak} after a build): the
 * launcher runs for 30 minutes ({@code -Dsoak.minutes}) against fabric8's mock API server with 1,000 Services
 * ({@code -Dsoak.services}) under endpoint churn of 10 EndpointSlice changes a second, an external {@code iptables -F}
 * (filter and nat) every sixth of the run, and an API server restart in the middle. It samples the proxy's RSS and
 * heap from its own {@code /metrics} every 30 s, and ends when every Service's rules hold exactly the endpoints its
 * slice has, with a real connection through a ClusterIP. The figures go to standard output and
 * {@code target/soak-report.txt}; the README quotes them.
 */
@Tag("soak")
class SoakTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final int SERVICES = Integer.getInteger("soak.services", 1000);
    private static final long MINUTES = Long.getLong("soak.minutes", 30);
    private static final int CHANGES_PER_SECOND = 10;

    private final Random random = new Random(42);

    private static String clusterIp(int i) {
        return "10.96." + (i / 250) + "." + (i % 250 + 1);
    }

    private String randomEndpoint() {
        return "10.245." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static EndpointSlice slice(String service, List<String> ips) {
        List<String> eps = new ArrayList<>();
        ips.forEach(ip -> eps.add("{addresses: [" + ip + "], nodeName: node-a}"));
        return YAML.unmarshal("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + service + "-1, namespace: default,"
                + " labels: {kubernetes.io/service-name: " + service + "}}\naddressType: IPv4\nports: [{port: 80}]\nendpoints: " + eps + "\n",
                EndpointSlice.class);
    }

    private static Service service(String name, String clusterIp) {
        return YAML.unmarshal("apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\n"
                + "spec: {clusterIP: " + clusterIp + ", ports: [{port: 80}]}\n", Service.class);
    }

    private static final Pattern SERVICE_JUMP = Pattern.compile("^-A KUBE-SERVICES -d ([0-9.]+)/32 .*-j (KUBE-SVC-\\w+)");
    private static final Pattern ENDPOINT_JUMP = Pattern.compile("^-A (KUBE-SVC-\\w+) .*-j (KUBE-SEP-\\w+)");
    private static final Pattern ENDPOINT_DNAT = Pattern.compile("^-A (KUBE-SEP-\\w+) .*--to-destination ([0-9.]+):80");

    /**
     * Each service's DNAT targets in the node's nat table, followed from its cluster IP through its chains (above
     * 1,000 endpoints kube-proxy leaves the comments out of the endpoint rules, so the chains are followed instead).
     */
    private static Map<String, Set<String>> programmed(NetworkNamespace node) {
        Map<String, String> serviceByIp = new HashMap<>();
        for (int i = 0; i < SERVICES; i++) {
            serviceByIp.put(clusterIp(i), "svc-" + i);
        }
        Map<String, String> svcChain = new HashMap<>();
        Map<String, List<String>> sepChains = new HashMap<>();
        Map<String, String> dnat = new HashMap<>();
        for (String line : node.exec("iptables-save", "-t", "nat").split("\n")) {
            Matcher m = SERVICE_JUMP.matcher(line);
            if (m.find() && serviceByIp.containsKey(m.group(1))) {
                svcChain.put(serviceByIp.get(m.group(1)), m.group(2));
            } else if ((m = ENDPOINT_JUMP.matcher(line)).find()) {
                sepChains.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
            } else if ((m = ENDPOINT_DNAT.matcher(line)).find()) {
                dnat.put(m.group(1), m.group(2));
            }
        }
        Map<String, Set<String>> out = new HashMap<>();
        svcChain.forEach((svc, chain) -> sepChains.getOrDefault(chain, List.of()).forEach(sep -> {
            if (dnat.containsKey(sep)) {
                out.computeIfAbsent(svc, k -> new TreeSet<>()).add(dnat.get(sep));
            }
        }));
        return out;
    }

    private static double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElse(Double.NaN);
    }

    @Test
    void thirtyMinutesOfChurnFlushesAndAnApiServerRestartLoseNoServiceAndKeepMemoryFlat(@TempDir Path dir) throws Exception {
        StringBuilder report = new StringBuilder();
        Map<String, Set<String>> expected = new TreeMap<>();
        try (DemoTopology topo = new DemoTopology("svcp-soak-" + ProcessHandle.current().pid(), DemoTopology.pods(27, 28, 30), 80);
             MockApiServer api = new MockApiServer(topo.node(), dir);
             KubernetesClient admin = api.admin()) {
            NetworkNamespace node = topo.node();
            admin.nodes().resource(YAML.unmarshal("apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                    + "status: {addresses: [{type: InternalIP, address: 192.168.77.1}]}\n", Node.class)).create();
            admin.services().inNamespace("default").resource(service("web", "10.101.57.97")).create();
            admin.discovery().v1().endpointSlices().inNamespace("default")
                    .resource(slice("web", List.of("10.244.0.27", "10.244.0.28", "10.244.0.30"))).create();
            for (int i = 0; i < SERVICES; i++) {
                List<String> eps = List.of(randomEndpoint(), randomEndpoint());
                admin.services().inNamespace("default").resource(service("svc-" + i, clusterIp(i))).create();
                admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("svc-" + i, eps)).create();
                expected.put("svc-" + i, new TreeSet<>(eps));
            }
            Path log = dir.resolve("run.log");
            Process proxy = node.start("sh", "-c", "exec " + LAUNCHER + " run --kubeconfig " + api.kubeconfig(dir)
                    + " --hostname-override node-a >> " + log + " 2>&1");
            try {
                assertTrue(waitFor(() -> read(log).contains("synced IPv4"), 60_000), read(log));
                long start = System.nanoTime();
                long end = start + TimeUnit.MINUTES.toNanos(MINUTES);
                long flushEvery = TimeUnit.MINUTES.toNanos(MINUTES) / 6;
                long nextFlush = start + flushEvery;
                long restartAt = start + TimeUnit.MINUTES.toNanos(MINUTES) / 2;
                long nextSample = start;
                boolean restarted = false;
                long flushedAt = 0;
                long nextHealCheck = 0;
                int changes = 0;
                int refused = 0;
                List<double[]> samples = new ArrayList<>(); // minute, RSS MiB, heap MiB
                List<String> heals = new ArrayList<>();
                report.append(String.format("soak: %d services, %d min, %d changes/s%n", SERVICES, MINUTES, CHANGES_PER_SECOND));
                for (long tick = start; tick < end; tick += 1_000_000_000L / CHANGES_PER_SECOND) {
                    long now = System.nanoTime();
                    if (tick > now) {
                        TimeUnit.NANOSECONDS.sleep(tick - now);
                    }
                    int i = random.nextInt(SERVICES);
                    List<String> eps = List.of(randomEndpoint(), randomEndpoint());
                    try {
                        admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("svc-" + i, eps)).update();
                        expected.put("svc-" + i, new TreeSet<>(eps));
                        changes++;
                    } catch (KubernetesClientException e) {
                        refused++; // the API server is down: the change never happened
                    }
                    if (System.nanoTime() >= nextSample) {
                        String scrape = http(node, "http://127.0.0.1:10249/metrics");
                        double minute = (System.nanoTime() - start) / 60e9;
                        double rss = metric(scrape, "process_resident_memory_bytes") / (1 << 20);
                        double heap = metric(scrape, "jvm_memory_bytes_used{area=\"heap\"}") / (1 << 20);
                        samples.add(new double[] {minute, rss, heap});
                        String line = String.format("t=%5.1f min  RSS %6.1f MiB  heap %6.1f MiB  syncs %s  changes %d%n", minute, rss, heap,
                                (long) metric(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"), changes);
                        report.append(line);
                        System.out.print(line); // as it goes: a failure later keeps the figures
                        nextSample += TimeUnit.SECONDS.toNanos(30);
                    }
                    if (flushedAt == 0 && System.nanoTime() >= nextFlush) {
                        node.exec("iptables", "-F");
                        node.exec("iptables", "-t", "nat", "-F");
                        flushedAt = System.nanoTime();
                        nextFlush += flushEvery;
                    } else if (flushedAt != 0 && System.nanoTime() >= nextHealCheck) {
                        // the churn goes on meanwhile; once a second, look whether the jump into KUBE-SERVICES is back
                        nextHealCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                        if (node.exec("iptables", "-t", "nat", "-S", "PREROUTING").contains("-j KUBE-SERVICES")) {
                            heals.add(String.format("%.1f s", (System.nanoTime() - flushedAt) / 1e9));
                            assertEquals(1, topo.connect(topo.client(), "10.101.57.97:80", 1).size(), "served after the heal");
                            flushedAt = 0;
                        } else {
                            assertTrue(System.nanoTime() - flushedAt < TimeUnit.SECONDS.toNanos(120), "healed within 120 s: " + read(log));
                        }
                    }
                    if (!restarted && System.nanoTime() >= restartAt) {
                        report.append(String.format("API server stopped for 20 s at t=%.1f min%n", (System.nanoTime() - start) / 60e9));
                        api.stop();
                        TimeUnit.SECONDS.sleep(20);
                        api.startAgain();
                        restarted = true;
                    }
                }
                report.append(String.format("%d changes applied, %d refused while the API server was down; flushes healed in %s%n",
                        changes, refused, heals));
                assertTrue(proxy.isAlive(), read(log));

                // converged: every service holds exactly its slice's endpoints
                Map<String, Set<String>> want = Map.copyOf(expected);
                long convergeStart = System.nanoTime();
                assertTrue(waitFor(() -> programmed(node).equals(want), 120_000), () -> diff(want, programmed(node)));
                report.append(String.format("converged %.1f s after the churn stopped: 0 of %d services lost or stale%n",
                        (System.nanoTime() - convergeStart) / 1e9, SERVICES));
                assertEquals(Set.of("pod27", "pod28", "pod30"), SvcproxyReliabilityKernelTest.pods(topo.connect(topo.client(), "10.101.57.97:80", 30)));

                // memory flat after warm-up: the last samples against those a sixth of the way in
                double warm = average(samples, MINUTES / 6.0, MINUTES / 3.0);
                double last = average(samples, MINUTES * 5 / 6.0, MINUTES);
                report.append(String.format("RSS after warm-up %.1f MiB, in the last sixth %.1f MiB (%+.1f%%)%n", warm, last,
                        (last / warm - 1) * 100));
                System.out.print(report);
                Files.writeString(Path.of("target/soak-report.txt"), report);
                assertTrue(last <= warm * 1.25, "RSS flat after warm-up:\n" + report);
            } finally {
                proxy.destroy();
                if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
        }
    }

    private static String diff(Map<String, Set<String>> want, Map<String, Set<String>> have) {
        List<String> d = new ArrayList<>();
        want.forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                d.add(k + " want " + v + " have " + have.get(k));
            }
        });
        return d.size() + " services differ: " + d.subList(0, Math.min(20, d.size()));
    }

    private static double average(List<double[]> samples, double fromMinute, double toMinute) {
        return samples.stream().filter(s -> s[0] >= fromMinute && s[0] <= toMinute).mapToDouble(s -> s[1]).average().orElse(Double.NaN);
    }
}
