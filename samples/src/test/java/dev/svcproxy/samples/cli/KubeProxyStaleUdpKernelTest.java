// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyFlags;
import dev.svcproxy.samples.demo.DemoTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@link KubeProxy} (in this JVM, for a node namespace) and kube-proxy's stale UDP clean-up: when an
 * endpoint of a UDP service goes, the flows to it are deleted by the sync that removes it; periodic syncs with no
 * UDP change do not read the conntrack table at all.
 */
@Tag("kernel")
class KubeProxyStaleUdpKernelTest {
    private static final Pattern RECONCILES = Pattern.compile(
            "kubeproxy_conntrack_reconciler_sync_duration_seconds_count\\{ip_family=\"IPv4\"} (\\d+)");

    static long reconciles(KubeProxy proxy) {
        Matcher m = RECONCILES.matcher(proxy.metrics().scrape());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void aRemovedEndpointsFlowsGoWithTheSyncThatRemovesItAndIdleSyncsDoNotDumpConntrack(@TempDir Path dir) throws Exception {
        Map<String, String> pods = DemoTopology.pods(27, 28);
        try (DemoTopology topo = new DemoTopology("svcp-test-kpudp-" + ProcessHandle.current().pid(), pods, 80)) {
            Files.writeString(dir.resolve("dns.yaml"), SvcproxyKernelTest.dns("[{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}]"));
            List<String> lines = new CopyOnWriteArrayList<>();
            KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "iptables-sync-period", "500ms",
                            "iptables-min-sync-period", "100ms", "healthz-bind-address", "", "metrics-bind-address", "")))
                    .source(ClusterSource.manifests(dir)).netns(topo.node().path()).messages(lines::add, lines::add).build();
            Thread loop = new Thread(proxy::run, "kube-proxy");
            loop.start();
            try {
                // the first sync's line: a first load's chains exist before their rules (see TableFlushKernelTest)
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.startsWith("synced IPv4")), 20_000), lines.toString());
                topo.client().sh("for p in $(seq 40000 40029); do echo q | socat -u - UDP:10.101.57.53:53,sourceport=$p; done");
                long to28 = topo.node().exec("conntrack", "-L", "-p", "udp").lines().filter(l -> l.contains("src=10.244.0.28 ")).count();
                assertTrue(to28 > 0, "some flows went to pod28");

                long before = reconciles(proxy);
                int syncs = (int) lines.stream().filter(l -> l.startsWith("synced IPv4")).count();
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().filter(l -> l.startsWith("synced IPv4")).count() >= syncs + 2, 5_000),
                        lines.toString());
                assertEquals(before, reconciles(proxy), "idle periodic syncs do not read conntrack: " + lines);

                Files.writeString(dir.resolve("dns.yaml"), SvcproxyKernelTest.dns("[{addresses: [10.244.0.27]}]"));
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.contains("deleted " + to28 + " stale UDP conntrack entries (IPv4)"), 10_000),
                        lines.toString());
                assertEquals(0, topo.node().exec("conntrack", "-L", "-p", "udp").lines().filter(l -> l.contains("src=10.244.0.28 ")).count());
                assertEquals(before + 1, reconciles(proxy));
            } finally {
                proxy.close();
                loop.join(15_000);
            }
        }
    }
}
