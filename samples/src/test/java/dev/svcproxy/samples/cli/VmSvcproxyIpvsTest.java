// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static dev.svcproxy.samples.cli.SvcproxyKernelTest.LAUNCHER;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.connect;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.eps;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.read;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.svc;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.svcproxy;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code svcproxy --proxy-mode ipvs} end to end in the kernel VM (IPVS and dummy interfaces): the same node,
 * pods and outside client as the iptables-mode tests, and the same connection checks.
 */
@Tag("vm")
class VmSvcproxyIpvsTest {
    static final String ALL = SvcproxyKernelTest.ALL_PODS;

    static Map<String, String> pods() {
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        return pods;
    }

    /** As on a Kubernetes node: bridged pod traffic passes netfilter (br_netfilter), so IPVS can un-NAT replies. */
    static DemoTopology topology(String name) {
        DemoTopology topo = new DemoTopology("svcp-" + name + "-" + ProcessHandle.current().pid(), pods(), 80);
        topo.node().exec("modprobe", "br_netfilter");
        topo.node().exec("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
        topo.node().sh("ip link set lo up");
        return topo;
    }

    static Map<String, Integer> byPod(List<String> answers) {
        Map<String, Integer> m = new TreeMap<>();
        answers.forEach(a -> m.merge(a.split(" ")[0], 1, Integer::sum));
        return m;
    }

    static final String NODE = "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
            + "status: {addresses: [{type: InternalIP, address: 192.168.77.1}]}\n";

    @Test
    void ipvsModeServesEveryKindOfServiceOnRealConnections(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), NODE
                + svc("web", "{type: NodePort, clusterIP: 10.101.57.97, externalIPs: [203.0.113.10], ports: [{port: 80, nodePort: 30080}]}", "")
                + eps("web", ALL) + SvcproxyKernelTest.POLICIES);
        try (DemoTopology topo = topology("ipvs-e2e")) {
            NetworkNamespace node = topo.node();
            // a virtual server someone else made: kept if it is in ipvs.excludeCIDRs, deleted if not (kube-proxy's rule)
            node.exec("ipvsadm", "-A", "-t", "10.200.0.1:80", "-s", "rr");
            node.exec("ipvsadm", "-A", "-t", "10.201.0.1:80", "-s", "rr");
            String once = svcproxy(node, "run --once --proxy-mode ipvs --manifests " + dir + " --hostname-override node-a"
                    + " --ipvs-exclude-cidrs 10.200.0.0/16");
            assertTrue(once.contains("synced IPv4 (full): 7 services") && once.endsWith("rc=0\n"), once);
            String save = node.exec("ipvsadm", "-S", "-n");
            assertTrue(save.contains("-A -t 10.200.0.1:80 -s rr") && !save.contains("10.201.0.1"), "excludeCIDRs:\n" + save);
            for (String line : List.of("-A -t 10.101.57.97:80 -s rr", "-a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 1",
                    "-A -t 203.0.113.10:80 -s rr", "-A -t 192.168.77.1:30080 -s rr", "-A -t 10.101.57.110:80 -s rr -p 10800")) {
                assertTrue(save.contains(line), line + " in\n" + save);
            }
            String addrs = node.exec("ip", "-4", "addr", "show", "kube-ipvs0");
            assertTrue(addrs.contains("10.101.57.97/32") && addrs.contains("203.0.113.20/32"), addrs);
            assertTrue(node.exec("ipset", "list", "KUBE-LOOP-BACK").contains("10.244.0.27,tcp:80,10.244.0.27"));
            assertTrue(node.exec("iptables-save", "-t", "nat").contains("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT"));

            // rr: 30 connections from the node, 10 to each pod
            Map<String, Integer> rr = byPod(topo.connect(node, "10.101.57.97:80", 30, DemoTopology.VM_SECONDS));
            assertEquals(Map.of("pod27", 10, "pod28", 10, "pod30", 10), rr, () -> rr + "\n" + node.sh("ip route get 10.101.57.97; ip addr;"
                    + " ipvsadm -Lnc; ipvsadm -Ln --stats; conntrack -L 2>&1; iptables-save -c; sysctl net.ipv4.vs.conntrack;"
                    + " socat -d -d -T2 -t2 - TCP:10.101.57.97:80,connect-timeout=2 </dev/null 2>&1; true"));
            // node port and external IP from outside, masqueraded to the node's address on the pods' bridge
            assertEquals("10.244.0.1", connect(topo.client(), "192.168.77.1:30080", DemoTopology.VM_SECONDS).strip().split(" ")[1]);
            assertTrue(connect(topo.client(), "203.0.113.10:80", DemoTopology.VM_SECONDS).startsWith("pod"), "external IP");
            // ClientIP affinity: one client keeps one pod
            assertEquals(1, byPod(topo.connect(topo.client(), "10.101.57.110:80", 12, DemoTopology.VM_SECONDS)).size(), "persistence");
            // loadBalancerSourceRanges: the client's range is let in, another range is dropped
            assertTrue(connect(topo.client(), "203.0.113.20:80", DemoTopology.VM_SECONDS).startsWith("pod"), "allowed source range");
            assertFalse(connect(topo.client(), "203.0.113.21:80", DemoTopology.VM_SECONDS).startsWith("pod"), "blocked by KUBE-SOURCE-RANGES-FIREWALL");
            // externalTrafficPolicy Local: the local pod only, and it sees the client's own address
            for (String a : topo.connect(topo.client(), "192.168.77.1:30114", 6, DemoTopology.VM_SECONDS)) {
                assertEquals("pod30 " + DemoTopology.CLIENT_IP, a.strip());
            }
            // hairpin through KUBE-LOOP-BACK: a pod reaching itself is masqueraded to the node's address
            assertEquals("pod27 " + DemoTopology.NODE_BRIDGE_IP, connect(topo.pod("pod27"), "10.101.57.115:80", DemoTopology.VM_SECONDS).strip());

            String cleanup = svcproxy(node, "cleanup --ipvs-exclude-cidrs 10.200.0.0/16");
            assertTrue(cleanup.endsWith("rc=0\n"), cleanup);
            assertEquals("-A -t 10.200.0.1:80 -s rr", node.exec("ipvsadm", "-S", "-n").strip(),
                    "no virtual server of ours left; the excluded one stays");
            assertFalse(node.sh("ip link show kube-ipvs0 2>&1 || true").contains("kube-ipvs0:"), "kube-ipvs0 deleted");
            assertFalse(node.exec("ipset", "list", "-n").contains("KUBE-"), "ipsets destroyed");
            assertFalse(node.exec("iptables-save").contains("KUBE-IPVS"), "chains deleted");
        }
    }

    @Test
    void gracefulTerminationKeepsAnOpenConnectionWhileNewOnesGoElsewhere(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("m");
        Files.createDirectories(manifests);
        String two = "[{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}]";
        String echo = svc("echo", "{clusterIP: 10.101.57.120, ports: [{port: 8080}]}", "");
        Files.writeString(manifests.resolve("svc.yaml"), echo + eps("echo", two).replace("port: 80}", "port: 8080}"));
        Files.writeString(dir.resolve("kp.yaml"), "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                + "mode: ipvs\nipvs: {syncPeriod: 2s, minSyncPeriod: 100ms}\n");
        List<Process> procs = new ArrayList<>();
        try (DemoTopology topo = topology("ipvs-grace")) {
            NetworkNamespace node = topo.node();
            for (String pod : List.of("pod27", "pod28")) { // a long-lived echo server that first says who it is
                procs.add(topo.pod(pod).start("socat", "-t5", "TCP-LISTEN:8080,fork,reuseaddr", "SYSTEM:echo " + pod + "; cat"));
            }
            Path log = dir.resolve("run.log");
            Process proxy = node.start("sh", "-c", "exec " + LAUNCHER + " run --manifests " + manifests + " --config "
                    + dir.resolve("kp.yaml") + " --hostname-override node-a > " + log + " 2>&1");
            procs.add(proxy);
            assertTrue(waitFor(() -> read(log).contains("synced IPv4"), 120_000), read(log)); // a JVM under qemu's TCG starts slowly
            // one connection stays open: it prints the pod, then echoes a line when the trigger file appears
            Path trigger = dir.resolve("go");
            Process open = topo.client().start("python3", "-c", String.join("\n",
                    "import socket, os, time, sys",
                    "s = socket.create_connection(('10.101.57.120', 8080), timeout=30)",
                    "f = s.makefile('rw')",
                    "print(f.readline().strip(), flush=True)",
                    "end = time.time() + 180",
                    "while not os.path.exists('" + trigger + "') and time.time() < end: time.sleep(0.1)",
                    "f.write('still here\\n'); f.flush()",
                    "print(f.readline().strip(), flush=True)"));
            procs.add(open);
            BufferedReader out = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("pod"), "the open connection's pod: " + first);
            String leaving = first.strip();
            String staying = leaving.equals("pod27") ? "pod28" : "pod27";
            String leavingIp = leaving.equals("pod27") ? "10.244.0.27" : "10.244.0.28";
            // the endpoint of the open connection leaves the EndpointSlice
            Files.writeString(manifests.resolve("svc.yaml"), echo + eps("echo", "[{addresses: [" + (staying.equals("pod27")
                    ? "10.244.0.27" : "10.244.0.28") + "]}]").replace("port: 80}", "port: 8080}"));
            assertTrue(waitFor(() -> node.exec("ipvsadm", "-L", "-n", "-t", "10.101.57.120:8080").lines()
                    .anyMatch(l -> l.contains(leavingIp + ":8080") && l.trim().split("\\s+")[3].equals("0")), 90_000),
                    // under qemu's TCG the first sync after a change runs code the JIT has not seen: allow it time
                    () -> "kept with weight 0:\n" + node.exec("ipvsadm", "-L", "-n") + "\nthe proxy's log:\n" + read(log));
            Set<String> fresh = new TreeSet<>();
            java.util.function.Supplier<String> firstLine = () -> connect(node, "10.101.57.120:8080", DemoTopology.VM_SECONDS)
                    .lines().findFirst().orElse("").strip();
            for (int i = 0; i < 6; i++) {
                String answer = firstLine.get();
                if (answer.isEmpty()) {
                    // under qemu's emulated CPU a connection once got no answer within its 10 s (one CI run of three):
                    // printed, and made once more; a second silence, or an answer from the removed pod, still fails
                    System.out.println("graceful termination: connection " + i + " got no answer; IPVS then:\n"
                            + node.exec("ipvsadm", "-L", "-n", "-c") + node.exec("ipvsadm", "-L", "-n"));
                    answer = firstLine.get();
                }
                fresh.add(answer);
            }
            assertEquals(Set.of(staying), fresh, () -> "new connections go to the remaining endpoint\n"
                    + node.exec("ipvsadm", "-L", "-n", "-c") + "\nthe proxy's log:\n" + read(log));
            Files.writeString(trigger, "");
            assertEquals("still here", out.readLine(), "the open connection to the removed endpoint still works");
            assertTrue(open.waitFor(10, TimeUnit.SECONDS));
            assertTrue(read(log).contains("synced IPv4"), read(log));
            proxy.destroy(); // (cleanup in ipvs mode: the first test)
            proxy.waitFor(10, TimeUnit.SECONDS);
        } finally {
            procs.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void switchingModesRemovesTheOtherModesState(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), NODE
                + svc("web", "{type: NodePort, clusterIP: 10.101.57.97, ports: [{port: 80, nodePort: 30080}]}", "") + eps("web", ALL));
        try (DemoTopology topo = topology("ipvs-switch")) {
            NetworkNamespace node = topo.node();
            String args = " --once --manifests " + dir + " --hostname-override node-a";
            assertTrue(svcproxy(node, "run --proxy-mode iptables" + args).endsWith("rc=0\n"));
            assertTrue(node.exec("iptables-save", "-t", "nat").contains("KUBE-SVC-"));

            String ipvs = svcproxy(node, "run --proxy-mode ipvs" + args);
            assertTrue(ipvs.endsWith("rc=0\n"), ipvs);
            String nat = node.exec("iptables-save", "-t", "nat");
            assertFalse(nat.contains("KUBE-SVC-") || nat.contains("KUBE-NODEPORTS") || nat.contains("KUBE-PROXY-CANARY"),
                    "the iptables mode's chains are gone:\n" + nat);
            assertFalse(node.exec("iptables-save", "-t", "filter").contains("KUBE-EXTERNAL-SERVICES"));
            assertEquals(3, topo.connect(topo.client(), "192.168.77.1:30080", 3, DemoTopology.VM_SECONDS).size(), "served by IPVS");

            // ipvs -> nftables (in Debian's 6.1 kernel here): IPVS's state goes, the nftables table serves
            String nft = svcproxy(node, "run --proxy-mode nftables --nodeport-addresses 192.168.77.0/24" + args);
            assertTrue(nft.endsWith("rc=0\n") && nft.contains("removed the ipvs mode's state"), nft);
            assertEquals("", node.exec("ipvsadm", "-S", "-n").strip());
            assertFalse(node.exec("ipset", "list", "-n").contains("KUBE-"));
            assertFalse(node.sh("ip link show kube-ipvs0 2>&1 || true").contains("kube-ipvs0:"), "kube-ipvs0 deleted");
            assertFalse(node.exec("iptables-save").contains("KUBE-IPVS") || node.exec("iptables-save").contains("KUBE-NODE-PORT "),
                    "the ipvs mode's chains are gone");
            assertEquals(3, topo.connect(topo.client(), "192.168.77.1:30080", 3, DemoTopology.VM_SECONDS).size(), "served by nftables");

            // (nftables -> iptables: SvcproxyNftablesKernelTest, in the host's kernel)
        }
    }
}
