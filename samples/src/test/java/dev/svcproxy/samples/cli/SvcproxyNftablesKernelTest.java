// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static dev.svcproxy.samples.cli.SvcproxyKernelTest.connect;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.svcproxy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher in nftables mode on the kernel: the services of the iptables mode's tests, on real connections. */
@Tag("kernel")
class SvcproxyNftablesKernelTest {
    /** Node ports on the node's address on the client's side (nftables mode's default is the primary address). */
    static final String NFT = " --proxy-mode nftables --hostname-override node-a --nodeport-addresses 192.168.77.0/24";

    @Test
    void renderIsAnNftScriptAndRunOnceServesClusterIpsNodePortsExternalIpsAndRejects(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyKernelTest.EXTERNAL);
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-nftcli-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            Path script = dir.resolve("v4.nft");
            node.sh(SvcproxyKernelTest.LAUNCHER + " render --manifests " + dir + NFT + " --ip-family IPv4 > " + script + " 2>/dev/null");
            assertTrue(Files.readString(script).startsWith("add table ip kube-proxy"), Files.readString(script));
            node.exec("nft", "-c", "-f", script.toString()); // nft accepts it (checked, not applied)
            assertFalse(node.exec("nft", "list", "tables").contains("kube-proxy"), "render changed nothing");

            String once = svcproxy(node, "run --once --manifests " + dir + NFT);
            assertTrue(once.contains("KubeProxy - synced IPv4 (full): 3 services") && once.endsWith("rc=0\n"), once);
            assertFalse(node.exec("iptables-save", "-t", "nat").contains("KUBE-SERVICES"), "nftables mode writes no iptables rules");
            Map<String, Integer> hits = new TreeMap<>();
            topo.connect(node, "10.101.57.97:80", 60).forEach(a -> hits.merge(a.split(" ")[0], 1, Integer::sum));
            assertEquals(3, hits.size(), "numgen spreads over the three pods: " + hits);
            // a node port from outside the node: served, masqueraded (externalTrafficPolicy Cluster)
            for (String a : topo.connect(topo.client(), "192.168.77.1:30080", 20)) {
                assertTrue(a.startsWith("pod") && a.endsWith(" " + DemoTopology.NODE_BRIDGE_IP), "masqueraded: " + a);
            }
            assertTrue(connect(topo.client(), "203.0.113.10:80").startsWith("pod"), "external IP served");
            assertFalse(connect(node, "127.0.0.1:30080").startsWith("pod"), "no localhost node ports, as kube-proxy's nftables mode");
            // externalTrafficPolicy Local without a local endpoint: the node port drops, the cluster IP still serves
            assertFalse(connect(topo.client(), "192.168.77.1:30081").startsWith("pod"), "dropped: no local endpoint");
            assertTrue(connect(node, "10.101.57.98:80").startsWith("pod27"), "internal traffic uses any endpoint");
            assertTrue(connect(node, "10.101.57.99:80").contains("Connection refused"), "no endpoints: rejected");
            assertTrue(connect(node, "10.101.57.97:81").contains("Connection refused"), "a port the cluster IP does not serve: rejected");
            String table = node.exec("nft", "list", "table", "ip", "kube-proxy");
            assertTrue(table.contains("10.101.57.99 . tcp . 80 comment \"default/empty\" : goto reject-chain"), table);
            // trace reads the table in force (this namespace has it and no iptables service rules)
            String trace = svcproxy(node, "trace --src 192.168.77.2 --dst 10.101.57.97:80");
            assertTrue(trace.contains("(nftables ip kube-proxy)") && trace.contains("10.244.0.27:80            33.3%")
                    && trace.contains("masquerade: no") && trace.endsWith("verdict: ACCEPT\nrc=0\n"), trace); // no cluster CIDR
            String rejected = svcproxy(node, "trace --src 192.168.77.2 --dst 10.101.57.99:80");
            assertTrue(rejected.contains("verdict: REJECT by reject-chain: reject"), rejected);

            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
            assertFalse(node.exec("nft", "list", "tables").contains("kube-proxy"), "cleanup deletes the tables");
        }
    }

    @Test
    void affinitySourceRangesTrafficPoliciesAndHairpinOnRealConnections(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyKernelTest.POLICIES
                + SvcproxyKernelTest.svc("itp", "{clusterIP: 10.101.57.113, internalTrafficPolicy: Local, ports: [{port: 80}]}", "")
                + SvcproxyKernelTest.eps("itp", "[{addresses: [10.244.0.28], nodeName: node-b}]"));
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-nftpol-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            assertTrue(svcproxy(node, "run --once --manifests " + dir + NFT).endsWith("rc=0\n"));
            java.util.Set<String> sticky = new java.util.TreeSet<>();
            topo.connect(node, "10.101.57.110:80", 20).forEach(a -> sticky.add(a.split(" ")[0]));
            assertEquals(1, sticky.size(), "the affinity set keeps one pod: " + sticky);
            // source ranges: firewall-check drops what comes from outside the range, before DNAT
            node.sh("ip link set lo up && ip addr add 203.0.113.20/32 dev lo && ip addr add 203.0.113.21/32 dev lo");
            assertTrue(connect(topo.client(), "203.0.113.20:80").startsWith("pod"), "allowed source range");
            assertFalse(connect(topo.client(), "203.0.113.21:80").startsWith("pod"), "blocked by the firewall chain");
            assertFalse(connect(node, "10.101.57.113:80").startsWith("pod"), "ITP Local, no local endpoint: dropped");
            for (String a : topo.connect(topo.client(), "192.168.77.1:30114", 10)) {
                assertEquals("pod30 " + DemoTopology.CLIENT_IP, a, "ETP Local keeps the source");
            }
            assertEquals("pod27 " + DemoTopology.NODE_BRIDGE_IP, connect(topo.pod("pod27"), "10.101.57.115:80").strip(), "hairpin masqueraded");
            assertTrue(connect(node, "192.168.77.1:30116").startsWith("pod"), "ETP+ITP Local node port from the host");
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }

    @Test
    void switchingModesRemovesTheOtherModesState(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyKernelTest.EXTERNAL);
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-nftswitch-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            assertTrue(svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a").endsWith("rc=0\n"));
            assertTrue(node.exec("iptables-save", "-t", "nat").contains("KUBE-SERVICES"));
            String nft = svcproxy(node, "run --once --manifests " + dir + NFT);
            assertTrue(nft.endsWith("rc=0\n"), nft);
            assertFalse(node.exec("iptables-save", "-t", "nat").contains("KUBE-SVC-"), "iptables mode's chains removed");
            assertTrue(connect(node, "10.101.57.97:80").startsWith("pod"), "served by nftables");
            String back = svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a");
            assertTrue(back.endsWith("rc=0\n") && back.contains("removed the nftables mode's state"), back);
            assertFalse(node.exec("nft", "list", "tables").contains("kube-proxy"), "nftables mode's tables removed");
            assertTrue(connect(node, "10.101.57.97:80").startsWith("pod"), "served by iptables");
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }
}
