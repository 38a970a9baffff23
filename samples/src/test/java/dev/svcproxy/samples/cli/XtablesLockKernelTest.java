// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static dev.svcproxy.samples.cli.SvcproxyKernelTest.LAUNCHER;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.http;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.read;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another process holds the xtables lock for longer than {@code iptables-restore -w 5} waits: the sync fails as a
 * whole (nothing half-applied, traffic keeps its old endpoints), the failure is counted in kube-proxy's metric, and
 * the sync is retried until the lock is free. Only the legacy flavour takes the lock (iptables-nft's transactions
 * need none), so the proxy runs with the legacy tools first on its PATH, as on a node whose iptables is legacy, and
 * with {@code XTABLES_LOCKFILE} pointing at this test's own lock file, so that no other iptables user of the host
 * waits for it.
 */
@Tag("kernel")
class XtablesLockKernelTest {
    private static final Pattern FAILURES =
            Pattern.compile("(?m)^kubeproxy_sync_proxy_rules_iptables_restore_failures_total\\{ip_family=\"IPv4\"} (\\d+)");

    private static Path legacyTools(Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("legacy-bin"));
        for (String tool : List.of("iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save", "ip6tables-restore")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/sbin/xtables-legacy-multi"));
        }
        return bin;
    }

    private static int failures(NetworkNamespace node) {
        Matcher m = FAILURES.matcher(http(node, "http://127.0.0.1:10249/metrics"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static boolean lockFree(Path lock) {
        try {
            return new ProcessBuilder("flock", "-n", lock.toString(), "true").start().waitFor() == 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void release(Process holder) throws InterruptedException {
        holder.descendants().forEach(ProcessHandle::destroy);
        holder.destroy();
        holder.waitFor(5, TimeUnit.SECONDS);
    }

    private static String legacyNat(NetworkNamespace node) {
        return node.exec("iptables-legacy-save", "-t", "nat");
    }

    private static Set<String> pods(DemoTopology topo) {
        return SvcproxyReliabilityKernelTest.pods(topo.connect(topo.client(), "10.101.57.97:80", 20));
    }

    @Test
    void aSyncBlockedByTheXtablesLockFailsWholeIsCountedAndIsRetriedOnceTheLockIsFree(@TempDir Path dir) throws Exception {
        Path bin = legacyTools(dir);
        Path lock = dir.resolve("xtables.lock");
        Path manifests = Files.createDirectories(dir.resolve("m"));
        String service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
                + "spec: {clusterIP: 10.101.57.97, ports: [{port: 80}]}\n---\n";
        Files.writeString(manifests.resolve("web.yaml"), service + SvcproxyReliabilityKernelTest.slice("10.244.0.27", "10.244.0.28"));
        Path log = dir.resolve("run.log");
        Process holder = null;
        try (DemoTopology topo = new DemoTopology("svcp-test-lock-" + ProcessHandle.current().pid(), DemoTopology.pods(27, 28, 30), 80)) {
            NetworkNamespace node = topo.node();
            node.exec("ip", "link", "set", "lo", "up");
            Process proxy = node.start("sh", "-c", "PATH=" + bin + ":$PATH XTABLES_LOCKFILE=" + lock + " exec " + LAUNCHER
                    + " run --manifests " + manifests + " --hostname-override node-a --iptables-sync-period 2s"
                    + " --iptables-min-sync-period 100ms >> " + log + " 2>&1");
            try {
                assertTrue(waitFor(() -> read(log).contains("synced IPv4"), 30_000), read(log));
                assertTrue(legacyNat(node).contains("KUBE-SVC-"), "the rules are in the legacy tables: " + legacyNat(node));
                assertEquals(Set.of("pod27", "pod28"), pods(topo));
                assertEquals(0, failures(node));

                holder = new ProcessBuilder("flock", "--close", lock.toString(), "sleep", "60").start(); // flock itself holds it
                assertTrue(waitFor(() -> !lockFree(lock), 5_000), "the lock is held");
                Files.writeString(manifests.resolve("web.yaml"), service + SvcproxyReliabilityKernelTest.slice("10.244.0.30"));
                assertTrue(waitFor(() -> failures(node) >= 2, 20_000), "two failed syncs counted: " + read(log));
                assertTrue(read(log).contains("WARN KubeProxy - sync of IPv4 failed: ") && read(log).contains("could not get the xtables lock"), read(log));
                String nat = legacyNat(node);
                assertTrue(nat.contains("10.244.0.27") && nat.contains("10.244.0.28") && !nat.contains("10.244.0.30"),
                        "nothing of the blocked sync is applied: " + nat);
                assertEquals(Set.of("pod27", "pod28"), pods(topo), "traffic keeps the old endpoints");
                assertTrue(proxy.isAlive(), "the proxy keeps running");

                release(holder);
                assertTrue(waitFor(() -> legacyNat(node).contains("10.244.0.30") && !legacyNat(node).contains("10.244.0.27"), 15_000),
                        "retried once the lock is free: " + read(log));
                assertEquals(Set.of("pod30"), pods(topo));
            } finally {
                if (holder != null) {
                    release(holder);
                }
                proxy.destroy();
                if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
                node.sh("PATH=" + bin + ":$PATH XTABLES_LOCKFILE=" + lock + " " + LAUNCHER + " cleanup >/dev/null 2>&1; true");
            }
            assertFalse(legacyNat(node).contains("KUBE-SVC-"), "cleaned up");
        }
    }
}
