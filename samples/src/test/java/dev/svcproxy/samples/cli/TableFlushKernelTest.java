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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone runs {@code iptables -t nat -F} and {@code -X} on the node behind a running proxy: the periodic sync sees
 * the canary gone and rewrites everything within one syncPeriod, and the Service serves again.
 */
@Tag("kernel")
class TableFlushKernelTest {

    @Test
    void aFlushedAndDeletedNatTableIsHealedWithinOneSyncPeriod(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyTest.MANIFESTS);
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-flush-" + ProcessHandle.current().pid(), pods, 80)) {
            List<String> lines = new CopyOnWriteArrayList<>();
            KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "iptables-sync-period", "2s",
                            "healthz-bind-address", "", "metrics-bind-address", "")))
                    .source(ClusterSource.manifests(dir)).netns(topo.node().path()).messages(lines::add, lines::add).build();
            Thread loop = new Thread(proxy::run, "kube-proxy");
            loop.start();
            try {
                // the first sync's line, not the first KUBE-SEP chain: on iptables-nft a first load declares its chains
                // before it adds their rules, and the jumps into them last (IptablesBackend.applyFirstLoad)
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.startsWith("synced IPv4")), 20_000),
                        lines.toString());
                assertEquals(3, topo.connect(topo.client(), "10.101.57.97:80", 3).size(), "serves before");

                topo.node().sh("iptables -t nat -F && iptables -t nat -X");
                long flushedAt = System.nanoTime();
                assertTrue(SvcproxyKernelTest.waitFor(() -> topo.node().exec("iptables-save", "-t", "nat").contains("KUBE-SEP"), 6_000),
                        lines.toString());
                long healedMs = (System.nanoTime() - flushedAt) / 1_000_000;
                System.out.println("TableFlushKernelTest: nat healed " + healedMs + " ms after the flush");
                assertTrue(healedMs <= 3_000, "healed within one syncPeriod (2 s, plus the sync), took " + healedMs + " ms");
                assertEquals(3, topo.connect(topo.client(), "10.101.57.97:80", 3).size(), "serves again");
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("synced IPv4 (full)")), lines.toString());
            } finally {
                proxy.close();
                loop.join(15_000);
            }
        }
    }
}
