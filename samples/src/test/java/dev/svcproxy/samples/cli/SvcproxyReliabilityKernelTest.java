// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static dev.svcproxy.samples.cli.SvcproxyKernelTest.LAUNCHER;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.connect;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.http;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.read;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.svcproxy;
import static dev.svcproxy.samples.cli.SvcproxyKernelTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.samples.demo.DemoTopology;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as an operator runs it: from an API server ({@code --kubeconfig}), through a restart under traffic, with
 * the API server gone, and dual-stack. Same throw-away node, pods and client as {@link SvcproxyKernelTest}.
 */
@Tag("kernel")
class SvcproxyReliabilityKernelTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final String CONFIG = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
            + "iptables: {syncPeriod: 2s, minSyncPeriod: 100ms}\n";

    private static Map<String, String> threePods() {
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        return pods;
    }

    static String slice(String... ips) {
        List<String> eps = new ArrayList<>();
        for (String ip : ips) {
            eps.add("{addresses: [" + ip + "], nodeName: node-a}");
        }
        return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: web-1, namespace: default,"
                + " labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\nports: [{port: 80}]\nendpoints: " + eps + "\n";
    }

    private static Process start(NetworkNamespace node, String args, Path log) {
        return node.start("sh", "-c", "exec " + LAUNCHER + " " + args + " >> " + log + " 2>&1");
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    static Set<String> pods(List<String> answers) {
        Set<String> s = new TreeSet<>();
        answers.forEach(a -> s.add(a.split(" ")[0]));
        return s;
    }

    private static String natKubeRules(NetworkNamespace node) {
        return String.join("\n", node.exec("iptables-save", "-t", "nat").lines().filter(l -> l.startsWith("-A KUBE-")).toList());
    }

    /** What the mode programmed: the nat table's KUBE- rules (iptables) or the IPv4 kube-proxy table (nftables). */
    private static String rules(NetworkNamespace node, String mode) {
        return mode.equals("nftables") ? node.sh("nft list table ip kube-proxy 2>/dev/null; true") : natKubeRules(node);
    }

    /** Fast syncs in {@code mode}; nftables mode gets node ports on the client's side of the node. */
    private static String config(String mode) {
        return mode.equals("nftables") ? "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n"
                + "nftables: {syncPeriod: 2s, minSyncPeriod: 100ms}\nnodePortAddresses: [192.168.77.0/24, 'fd00:77::/64']\n" : CONFIG;
    }

    @Test
    void followsTheApiServerThroughKubeconfigAndKeepsTheRulesWhenItIsGone(@TempDir Path dir) throws Exception {
        followsTheApiServer(dir, "iptables");
    }

    @Test
    void inNftablesModeFollowsTheApiServerAndKeepsTheRulesWhenItIsGone(@TempDir Path dir) throws Exception {
        followsTheApiServer(dir, "nftables");
    }

    private void followsTheApiServer(Path dir, String mode) throws Exception {
        List<Process> processes = new ArrayList<>();
        try (DemoTopology topo = new DemoTopology("svcp-test-api-" + ProcessHandle.current().pid(), threePods(), 80);
             MockApiServer server = new MockApiServer(topo.node(), dir);
             KubernetesClient admin = server.admin()) {
            admin.nodes().resource(YAML.unmarshal("apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n"
                    + "status: {addresses: [{type: InternalIP, address: 192.168.77.1}]}\n", Node.class)).create();
            admin.services().inNamespace("default").resource(YAML.unmarshal("apiVersion: v1\nkind: Service\n"
                    + "metadata: {name: web, namespace: default}\nspec: {clusterIP: 10.101.57.97, ports: [{port: 80}]}\n",
                    Service.class)).create();
            admin.discovery().v1().endpointSlices().inNamespace("default")
                    .resource(YAML.unmarshal(slice("10.244.0.27", "10.244.0.28"), EndpointSlice.class)).create();
            admin.services().inNamespace("default").resource(YAML.unmarshal("apiVersion: v1\nkind: Service\n"
                    + "metadata: {name: broken, namespace: default}\nspec: {clusterIP: 10.101.57.300, ports: [{port: 80}]}\n",
                    Service.class)).create();
            NetworkNamespace node = topo.node();
            // the DaemonSet's command line: kube-proxy's, no subcommand; the API server found through the configuration's
            // clientConnection.kubeconfig (kubeadm's kubeconfig.conf: a server address and a tokenFile), on a node
            // that has no rules yet (so no Service IP could lead to the API server)
            Path kubeconfig = server.kubeadmKubeconfig(dir, "proxy-token-1");
            // oomScoreAdj: a raised score (lowering one, as kube-proxy's default -999 does, needs CAP_SYS_RESOURCE, which this
            // machine's root lacks; the proxy then warns and runs on)
            Files.writeString(dir.resolve("kp.yaml"), config(mode) + "clientConnection: {kubeconfig: " + kubeconfig + "}\n"
                    + "oomScoreAdj: 300\n");
            assertTrue(rules(node, mode).isBlank(), "a fresh node: " + rules(node, mode));
            server.authorizations();
            Path log = dir.resolve("run.log");
            Process proxy = start(node, "--config=" + dir.resolve("kp.yaml") + " --hostname-override=node-a", log);
            processes.add(proxy);
            assertTrue(waitFor(() -> read(log).contains("synced IPv4"), 30_000), read(log));
            List<String> auth = server.authorizations();
            assertTrue(!auth.isEmpty() && auth.stream().allMatch("Bearer proxy-token-1"::equals), "the token file's token: " + auth);
            assertEquals("300", Files.readString(Path.of("/proc/" + proxy.pid() + "/oom_score_adj")).strip(),
                    "the configuration's oomScoreAdj on the running proxy");
            assertEquals(Set.of("pod27", "pod28"), pods(topo.connect(topo.client(), "10.101.57.97:80", 20)), "from the API server's slice");
            // the bad Service is skipped by name, in the log and as a Warning event regarding it
            assertTrue(read(log).contains("skipped: Service default/broken"), read(log));
            assertTrue(waitFor(() -> admin.events().v1().events().inNamespace("default").list().getItems().stream()
                    .anyMatch(e -> e.getRegarding().getName().equals("broken") && e.getType().equals("Warning")), 5_000), "event posted");

            // an EndpointSlice update through the API server moves traffic
            admin.discovery().v1().endpointSlices().inNamespace("default")
                    .resource(YAML.unmarshal(slice("10.244.0.30"), EndpointSlice.class)).update();
            assertTrue(waitFor(() -> rules(node, mode).contains("10.244.0.30") && !rules(node, mode).contains("10.244.0.27"), 5_000),
                    rules(node, mode));
            assertEquals(Set.of("pod30"), pods(topo.connect(topo.client(), "10.101.57.97:80", 10)));

            // the API server goes away: the rules stay as they are, traffic keeps flowing, the proxy keeps running
            String before = rules(node, mode);
            server.stop();
            Thread.sleep(5_000); // more than two syncPeriods
            assertTrue(proxy.isAlive(), read(log));
            assertEquals(before, rules(node, mode), "rules unchanged without the API server");
            assertEquals(10, topo.connect(topo.client(), "10.101.57.97:80", 10).size(), "still served");
            assertTrue(http(node, "http://127.0.0.1:10256/healthz").startsWith("HTTP/1.1 200"), "syncs go on from the last known state");
            // as kube-proxy: a changed configuration file ends the process (the kubelet starts it again with the new one)
            Files.writeString(dir.resolve("kp.yaml"), "# edited\n", java.nio.file.StandardOpenOption.APPEND);
            assertTrue(proxy.waitFor(10, TimeUnit.SECONDS), read(log));
            assertEquals(1, proxy.exitValue(), read(log));
            assertTrue(read(log).contains("the configuration file " + dir.resolve("kp.yaml") + " changed: stopping"), read(log));
            assertEquals(before, rules(node, mode), "the rules stay for the next start");
            // kube-proxy's --cleanup
            assertTrue(svcproxy(node, "--cleanup").endsWith("rc=0\n"));
            assertTrue(rules(node, mode).isBlank(), rules(node, mode));
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aRestartUnderContinuousTrafficFailsNoConnection(@TempDir Path dir) throws Exception {
        restartUnderTraffic(dir, false, "iptables");
    }

    @Test
    void inNftablesModeARestartAndAKillNineMidSyncFailNoConnection(@TempDir Path dir) throws Exception {
        restartUnderTraffic(dir, false, "nftables");
        restartUnderTraffic(dir, true, "nftables");
    }

    /**
     * {@code kill -9} 0-300 ms after an endpoint change (before, in or after the sync it causes): the restart
     * converges to the full new state, and the client running throughout loses no connection (each restore is
     * atomic, so the kernel keeps the old or the new rules, never a half).
     */
    @Test
    void aKillNineMidSyncThenARestartConvergesAndFailsNoConnection(@TempDir Path dir) throws Exception {
        restartUnderTraffic(dir, true, "iptables");
    }

    private void restartUnderTraffic(Path dir, boolean killMidSync, String mode) throws Exception {
        String service = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
                + "spec: {type: NodePort, clusterIP: 10.101.57.97, ports: [{port: 80, nodePort: 30080}]}\n---\n";
        Files.writeString(dir.resolve("svc.yaml"), service + slice("10.244.0.27", "10.244.0.28", "10.244.0.30"));
        Files.writeString(dir.resolve("kp.yaml"), config(mode));
        String args = "run --manifests " + dir.resolve("svc.yaml") + " --config " + dir.resolve("kp.yaml") + " --hostname-override node-a";
        try (DemoTopology topo = new DemoTopology("svcp-test-rst-" + ProcessHandle.current().pid(), threePods(), 80)) {
            NetworkNamespace node = topo.node();
            Path log = dir.resolve("run-" + mode + "-" + killMidSync + ".log");
            Process first = start(node, args, log);
            Process second = null;
            Process traffic = null;
            try {
                assertTrue(waitFor(() -> read(log).contains("synced IPv4"), 20_000), read(log));
                // connections one after the other for 12 s (at most 3000), to the cluster IP and the node port; a
                // failed one is printed with socat's error. 5 s to connect: rules missing for longer than the SYN's
                // retransmissions (1 s, 3 s) still fail a cluster-IP connection, and a node-port one at once (the
                // node answers RST), while a 2-core CI machine starving one socat for 2 s does not
                traffic = topo.client().start("sh", "-c", "end=$(($(date +%s)+12)); ok=0; fail=0; n=0;"
                        + " while [ $(date +%s) -lt $end ] && [ $n -lt 3000 ]; do n=$((n+1));"
                        + " t=10.101.57.97:80; [ $((n % 2)) = 0 ] && t=192.168.77.1:30080;"
                        + " out=$(socat -T5 -t5 - TCP:$t,connect-timeout=5 </dev/null 2>&1);"
                        + " if echo \"$out\" | grep -q '^pod'; then ok=$((ok+1));"
                        + " else fail=$((fail+1)); echo \"failed: $t at $(date +%T.%N): $out\"; fi; done; echo ok=$ok fail=$fail");
                Thread.sleep(2_000);
                if (killMidSync) {
                    Files.writeString(dir.resolve("svc.yaml"), service + slice("10.244.0.27", "10.244.0.28"));
                    // the watch polls every 100 ms and a sync takes tens of ms: a kill 0-300 ms after the change lands
                    // before, in or after that sync, and the restart must converge whichever it was
                    Thread.sleep(new java.util.Random().nextInt(300));
                    first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
                } else {
                    stop(first); // as a DaemonSet rollout stops the old pod ...
                }
                Thread.sleep(1_000);
                second = start(node, args, log); // ... and starts the new one, which does a full sync
                Process s = second;
                assertTrue(waitFor(() -> read(log).split("synced IPv4", -1).length > 2 && s.isAlive(), 20_000), read(log));
                assertTrue(traffic.waitFor(30, TimeUnit.SECONDS), "the traffic loop ended");
                String result = new String(traffic.getInputStream().readAllBytes()).strip();
                System.out.println(mode + " mode, " + (killMidSync ? "kill -9 around a sync, then a restart," : "restart") + " under traffic: "
                        + result);
                Matcher m = Pattern.compile("ok=(\\d+) fail=(\\d+)").matcher(result);
                assertTrue(m.find(), result);
                // on a failure, the proxies' log too: it lives in the test's temporary directory, gone once the report is read
                assertEquals(0, Integer.parseInt(m.group(2)), () -> "no connection failed across the restart: " + result
                        + "\nthe proxies' log:\n" + read(log));
                assertTrue(Integer.parseInt(m.group(1)) >= 50, "enough connections to mean something: " + result);
                if (killMidSync) {
                    assertTrue(waitFor(() -> !rules(node, mode).contains("10.244.0.30"), 10_000),
                            "the restart converged to the new endpoints");
                }
            } finally {
                for (Process p : new Process[] {first, second, traffic}) {
                    if (p != null) {
                        stop(p);
                    }
                }
            }
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }

    @Test
    void dualStackProgramsOnePayloadPerFamilyAndServesBoth(@TempDir Path dir) throws Exception {
        dualStack(dir, "iptables");
    }

    @Test
    void inNftablesModeDualStackProgramsOneTablePerFamilyAndServesBoth(@TempDir Path dir) throws Exception {
        dualStack(dir, "nftables");
    }

    private void dualStack(Path dir, String mode) throws Exception {
        Map<String, String> v6 = Map.of("pod27", "fd00:10:244::27", "pod28", "fd00:10:244::28", "pod30", "fd00:10:244::30");
        StringBuilder v6eps = new StringBuilder();
        v6.values().stream().sorted().forEach(ip -> v6eps.append(v6eps.length() == 0 ? "" : ", ").append("{addresses: ['").append(ip).append("']}"));
        Files.writeString(dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
                + "spec: {type: NodePort, ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6], clusterIP: 10.101.57.97,"
                + " clusterIPs: [10.101.57.97, 'fd00:96::97'], ports: [{port: 80, nodePort: 30080}]}\n---\n"
                + slice("10.244.0.27", "10.244.0.28", "10.244.0.30") + "---\n"
                + "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: web-6, namespace: default,"
                + " labels: {kubernetes.io/service-name: web}}\naddressType: IPv6\nports: [{port: 80}]\nendpoints: [" + v6eps + "]\n");
        List<Process> servers = new ArrayList<>();
        try (DemoTopology topo = new DemoTopology("svcp-test-ds-" + ProcessHandle.current().pid(), threePods(), 80)) {
            NetworkNamespace node = topo.node();
            node.sh("sysctl -qw net.ipv6.conf.all.forwarding=1 && ip addr add fd00:10:244::1/64 dev cbr0 nodad"
                    + " && ip addr add fd00:77::1/64 dev vethc nodad && ip -6 route add fd00:96::/112 dev cbr0");
            topo.client().sh("ip addr add fd00:77::2/64 dev eth0 nodad && ip -6 route add default via fd00:77::1");
            for (Map.Entry<String, String> p : v6.entrySet()) {
                NetworkNamespace pod = topo.pod(p.getKey());
                pod.sh("ip addr add " + p.getValue() + "/64 dev eth0 nodad && ip -6 route add default via fd00:10:244::1");
                servers.add(pod.start("socat", "-t5", "TCP6-LISTEN:80,fork,reuseaddr,ipv6only=1", "SYSTEM:echo " + p.getKey() + " $SOCAT_PEERADDR; cat >/dev/null")); // as DemoTopology's pods
            }
            Files.writeString(dir.resolve("kp.conf"), config(mode));
            String once = svcproxy(node, "run --once --manifests " + dir.resolve("svc.yaml") + " --config " + dir.resolve("kp.conf")
                    + " --hostname-override node-a");
            assertTrue(once.contains("synced IPv4 (full): 1 services") && once.contains("synced IPv6 (full): 1 services")
                    && once.endsWith("rc=0\n"), once);
            if (mode.equals("nftables")) {
                String t6 = node.exec("nft", "list", "table", "ip6", "kube-proxy");
                assertTrue(t6.contains("fd00:96::97 . tcp . 80 : goto service-"), t6);
                assertTrue(!t6.contains("10.244.0.") && !node.exec("nft", "list", "table", "ip", "kube-proxy").contains("fd00:"),
                        "one table per family");
            } else {
                String nat6 = node.exec("ip6tables-save", "-t", "nat");
                assertTrue(nat6.lines().anyMatch(l -> l.startsWith("-A KUBE-SERVICES -d fd00:96::97/128") && l.contains("-j KUBE-SVC-")), nat6);
                assertTrue(!nat6.contains("10.244.0.") && !node.exec("iptables-save", "-t", "nat").contains("fd00:"), "one payload per family");
            }
            assertTrue(waitFor(() -> connect(topo.client(), "[fd00:96::97]:80").startsWith("pod"), 5_000), "IPv6 serves once DAD is done");
            List<String> six = topo.connect(topo.client(), "[fd00:96::97]:80", 30);
            assertEquals(Set.of("pod27", "pod28", "pod30"), pods(six), "IPv6 cluster IP spreads over all pods: " + six);
            assertTrue(six.stream().allMatch(a -> a.endsWith("[fd00:0077:0000:0000:0000:0000:0000:0002]")), "the client's own address (socat's long form): " + six);
            assertEquals(Set.of("pod27", "pod28", "pod30"), pods(topo.connect(topo.client(), "10.101.57.97:80", 30)), "IPv4 as well");
            assertEquals(10, topo.connect(topo.client(), "[fd00:77::1]:30080", 10).size(), "IPv6 node port");
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
            assertTrue(!node.exec("ip6tables-save", "-t", "nat").contains("KUBE-") && !node.exec("nft", "list", "tables").contains("kube-proxy"),
                    "cleanup covers IPv6");
        } finally {
            servers.forEach(Process::destroyForcibly);
        }
    }
}
