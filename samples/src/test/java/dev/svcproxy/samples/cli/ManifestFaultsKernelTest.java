// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyFlags;
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
 * A running proxy over a manifests directory, in a throw-away namespace, meets the faults an operator's hands make:
 * a copied file (a duplicate Service), a half-written file, one bad endpoint, and the whole directory moved away.
 * None of them costs a good Service its rules; each is reported.
 */
@Tag("kernel")
class ManifestFaultsKernelTest {

    static String service(String name, String ip) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\n"
                + "spec: {clusterIP: " + ip + ", ports: [{name: http, port: 80}]}\n---\n"
                + "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + name + "-1, namespace: default,"
                + " labels: {kubernetes.io/service-name: " + name + "}}\naddressType: IPv4\nports: [{name: http, port: 8080}]\n"
                + "endpoints: [{addresses: [10.244.0.27]}]\n";
    }

    /** True if nat KUBE-SERVICES sends {@code ip} to a service chain (not a REJECT: that lives in filter). */
    static boolean programmed(NetworkNamespace node, String ip) {
        return node.exec("iptables-save", "-t", "nat").lines().anyMatch(l -> l.startsWith("-A KUBE-SERVICES") && l.contains("-d " + ip + "/32")
                && l.contains("-j KUBE-SVC-"));
    }

    @Test
    void copiedHalfWrittenBadAndVanishedManifestsNeverCostAGoodServiceItsRules(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(dir.resolve("api.yaml"), service("api", "10.96.0.12"));
        Files.writeString(dir.resolve("web.yaml"), service("web", "10.96.0.10"));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (NetworkNamespace node = NetworkNamespace.create("svcp-test-faults-" + ProcessHandle.current().pid())) {
            KubeProxy proxy = KubeProxy.newBuilder()
                    .config(ProxyFlags.apply(Optional.empty(), Map.of("hostname-override", "node-a", "iptables-sync-period", "500ms",
                            "iptables-min-sync-period", "50ms", "healthz-bind-address", "", "metrics-bind-address", "")))
                    .source(ClusterSource.manifests(dir)).netns(node.path()).messages(lines::add, lines::add).build();
            Thread loop = new Thread(proxy::run, "kube-proxy");
            loop.start();
            try {
                assertTrue(SvcproxyKernelTest.waitFor(() -> programmed(node, "10.96.0.10") && programmed(node, "10.96.0.12"), 20_000),
                        lines.toString());

                // 1. a copy of web.yaml beside it: the first is kept, the copy named, the proxy goes on
                Files.writeString(dir.resolve("web-copy.yaml"), service("web", "10.96.0.11"));
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.contains("defined in " + dir.resolve("web.yaml")
                        + " and again in " + dir.resolve("web-copy.yaml"))), 5_000), lines.toString());
                Files.delete(dir.resolve("web-copy.yaml"));

                // 2. api.yaml half-written: api keeps its rules
                Files.writeString(dir.resolve("api.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: api, names");
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.contains(dir.resolve("api.yaml")
                        + ": not valid YAML")), 5_000), lines.toString());
                int syncs = lines.size();
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().skip(syncs)
                        .anyMatch(l -> l.startsWith("synced IPv4")), 5_000), lines.toString());
                assertTrue(programmed(node, "10.96.0.12"), "api keeps its rules while its file does not parse");

                // 3. a second slice for web with a bad port and a wrong-family address: only they are skipped
                Files.writeString(dir.resolve("web-bad.yaml"), "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                        + "metadata: {name: web-2, namespace: default, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\n"
                        + "ports: [{name: http, port: 99999}]\nendpoints: [{addresses: ['fd00::1']}]\n");
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.contains("invalid port 99999")), 5_000),
                        lines.toString());
                assertTrue(programmed(node, "10.96.0.10"), "web keeps its port and its good endpoint");

                // 4. the whole directory moved away and back
                Files.move(dir, tmp.resolve("away"));
                assertTrue(SvcproxyKernelTest.waitFor(() -> lines.stream().anyMatch(l -> l.contains("the last good state stays")), 5_000),
                        lines.toString());
                Thread.sleep(1_200); // two periodic syncs
                assertTrue(programmed(node, "10.96.0.10") && programmed(node, "10.96.0.12"), "every rule stays");
                assertTrue(SvcproxyKernelTest.waitFor(() -> !proxy.health().healthy(), 3_000), "not fresh after 2 x syncPeriod");
                Files.move(tmp.resolve("away"), dir);
                Files.writeString(dir.resolve("api.yaml"), service("api", "10.96.0.13"));
                assertTrue(SvcproxyKernelTest.waitFor(() -> programmed(node, "10.96.0.13") && !programmed(node, "10.96.0.12"), 5_000),
                        "rules follow the files again: " + lines);
                assertTrue(SvcproxyKernelTest.waitFor(() -> proxy.health().healthy(), 3_000));
            } finally {
                proxy.close();
                loop.join(15_000);
            }
            assertFalse(loop.isAlive());
        }
    }
}
