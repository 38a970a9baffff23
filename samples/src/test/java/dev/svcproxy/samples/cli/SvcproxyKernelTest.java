// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

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

/** The built launcher ({@code bin/svcproxy}) on the kernel, inside a throw-away node namespace with three pods. */
@Tag("kernel")
class SvcproxyKernelTest {
    static final Path LAUNCHER = Path.of("../bin/svcproxy").toAbsolutePath().normalize();

    static String svcproxy(NetworkNamespace ns, String args) {
        return ns.sh(LAUNCHER + " " + args + " 2>&1; echo \"rc=$?\"");
    }

    /** kube-proxy's {@code --init-only}: the privileged prerequisites (route_localnet, nfacct counters), no rule, exit 0. */
    @Test
    void initOnlySetsThePrerequisitesAndWritesNoRule() {
        try (dev.svcproxy.api.netns.NetworkNamespace ns = dev.svcproxy.api.netns.NetworkNamespace.create("svcp-test-init-" + ProcessHandle.current().pid())) {
            assertEquals("0", ns.exec("sysctl", "-n", "net.ipv4.conf.all.route_localnet").strip());
            String out = svcproxy(ns, "--init-only --hostname-override=node-a -v=2");
            assertTrue(out.endsWith("rc=0\n"), out);
            assertTrue(out.contains("initialised (iptables mode): exiting, as --init-only asks"), out);
            assertEquals("1", ns.exec("sysctl", "-n", "net.ipv4.conf.all.route_localnet").strip(), "route_localnet for localhost node ports");
            assertTrue(ns.exec("nfacct", "list").contains("ct_state_invalid_dropped_pkts"), "kube-proxy's counters");
            assertFalse(ns.exec("iptables-save").contains("KUBE-"), "no rule: " + ns.exec("iptables-save"));
        }
    }

    @Test
    void renderIsAcceptedByIptablesRestoreAndRunOnceServesTheClusterIp(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyTest.MANIFESTS);
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-cli-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            // render touches nothing, and its one-family output is a valid --noflush payload
            Path payload = dir.resolve("v4.rules");
            node.sh(LAUNCHER + " render --manifests " + dir + " --hostname-override node-a --ip-family IPv4 > " + payload + " 2>/dev/null");
            assertFalse(node.exec("iptables-save", "-t", "nat").contains("KUBE-SERVICES"), "render changed nothing");
            node.sh("iptables-restore -w 5 --noflush --test < " + payload);

            String once = svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a");
            assertTrue(once.contains("KubeProxy - synced IPv4 (full): 1 services") && once.endsWith("rc=0\n"), once);
            assertTrue(once.contains("skipped: Service default/broken"), once);
            Map<String, Integer> hits = new TreeMap<>();
            topo.connect(node, "10.101.57.97:80", 60).forEach(a -> hits.merge(a.split(" ")[0], 1, Integer::sum));
            assertEquals(60, hits.values().stream().mapToInt(Integer::intValue).sum(), hits + " " + topo.failures());
            assertEquals(3, hits.size(), "all three pods serve: " + hits);
            // trace through the rules in force here: a client's packet, split in thirds
            String trace = svcproxy(node, "trace --src 192.168.77.2 --dst 10.101.57.97:80");
            assertTrue(trace.contains("arriving from outside") && trace.contains("10.244.0.27:80            33.3%")
                    && trace.contains("masquerade: no") && trace.endsWith("rc=0\n"), trace); // no cluster CIDR: no off-cluster masquerade

            String cleanup = svcproxy(node, "cleanup");
            assertTrue(cleanup.endsWith("rc=0\n"), cleanup);
            String nat = node.exec("iptables-save", "-t", "nat");
            assertFalse(nat.contains("KUBE-"), nat);
        }
    }

    static final String EXTERNAL = String.join("\n",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: web, namespace: default}",
            "spec: {type: NodePort, clusterIP: 10.101.57.97, externalIPs: [203.0.113.10], ports: [{port: 80, nodePort: 30080}]}",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: local-only, namespace: default}",
            "spec: {type: NodePort, clusterIP: 10.101.57.98, externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30081}]}",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: empty, namespace: default}",
            "spec: {clusterIP: 10.101.57.99, ports: [{port: 80}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}",
            "addressType: IPv4",
            "ports: [{port: 80}]",
            "endpoints: [{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}, {addresses: [10.244.0.30]}]",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: local-only-1, namespace: default, labels: {kubernetes.io/service-name: local-only}}",
            "addressType: IPv4",
            "ports: [{port: 80}]",
            "endpoints: [{addresses: [10.244.0.27], nodeName: node-b}]",
            "");

    static String connect(NetworkNamespace from, String target) {
        return connect(from, target, 2);
    }

    /** One connection to {@code target} from {@code from}: what the server says, or socat's error after {@code seconds}. */
    static String connect(NetworkNamespace from, String target, int seconds) {
        return from.sh("socat -T" + seconds + " -t" + seconds + " - TCP:" + target + ",connect-timeout=" + seconds + " </dev/null 2>&1; true");
    }

    @Test
    void nodePortsExternalIpsTrafficPolicyLocalAndRejectOnRealConnections(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), EXTERNAL);
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-ext-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            String once = svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a");
            assertTrue(once.endsWith("rc=0\n"), once);
            // NodePort from outside the node: served by the pods, masqueraded (externalTrafficPolicy Cluster)
            Map<String, Integer> hits = new TreeMap<>();
            topo.connect(topo.client(), "192.168.77.1:30080", 30).forEach(a -> {
                hits.merge(a.split(" ")[0], 1, Integer::sum);
                assertTrue(a.endsWith(" " + DemoTopology.NODE_BRIDGE_IP), "masqueraded: " + a);
            });
            assertEquals(30, hits.values().stream().mapToInt(Integer::intValue).sum(), hits + " " + topo.failures());
            // a localhost node port, from the node itself (route_localnet=1 and kubelet's KUBE-FIREWALL guard)
            assertTrue(connect(node, "127.0.0.1:30080").startsWith("pod"), "localhost node port served");
            assertEquals("1", node.exec("cat", "/proc/sys/net/ipv4/conf/all/route_localnet").strip());
            // an external IP routed to the node
            assertTrue(connect(topo.client(), "203.0.113.10:80").startsWith("pod"), "external IP served");
            // externalTrafficPolicy Local without a local endpoint: the node port drops, the cluster IP still serves
            assertFalse(connect(topo.client(), "192.168.77.1:30081").startsWith("pod"), "dropped: no local endpoint");
            assertTrue(connect(node, "10.101.57.98:80").startsWith("pod27"), "internal traffic uses any endpoint");
            // no endpoints at all: REJECT, so the client hears "connection refused" at once
            assertTrue(connect(node, "10.101.57.99:80").contains("Connection refused"), "rejected");
            String filter = node.exec("iptables", "-w", "-L", "KUBE-EXTERNAL-SERVICES", "-v", "-n", "-x");
            assertTrue(filter.lines().anyMatch(l -> l.contains("has no local endpoints") && !l.trim().startsWith("0 ")), filter);
            String counted = node.exec("nfacct", "get", "localhost_nps_accepted_pkts");
            assertFalse(counted.contains("pkts = 00000000000000000000"), "the localhost node port was counted: " + counted);
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
            assertTrue(node.exec("iptables-save", "-t", "filter").lines().anyMatch(l -> l.startsWith("-A KUBE-FIREWALL ") && l.contains("block incoming localnet connections")),
                    "kubelet's guard is never cleaned up");
        }
    }

    static String http(NetworkNamespace ns, String url) {
        return ns.sh("curl -s -i --max-time 3 " + url + " || true");
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code maxMillis} of wall-clock time have passed. */
    static boolean waitFor(java.util.function.BooleanSupplier condition, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void runServesHealthAndMetricsFollowsManifestEditsAndRepairsAFlush(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("m");
        Files.createDirectories(manifests);
        Files.writeString(manifests.resolve("svc.yaml"), SvcproxyTest.MANIFESTS.replace("10.101.57.300", "10.101.57.100"));
        Files.writeString(dir.resolve("kp.yaml"), "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
                + "iptables: {syncPeriod: 2s, minSyncPeriod: 100ms}\nconntrack: {tcpCloseWaitTimeout: 30m, udpTimeout: 45s}\n");
        Files.writeString(manifests.resolve("lb.yaml"),
                svc("hc-local", "{type: LoadBalancer, clusterIP: 10.101.57.120, externalTrafficPolicy: Local, healthCheckNodePort: 32000,"
                        + " ports: [{port: 80, nodePort: 30120}]}", "") + eps("hc-local", "[{addresses: [10.244.0.27], nodeName: node-a}]")
                + svc("hc-remote", "{type: LoadBalancer, clusterIP: 10.101.57.121, externalTrafficPolicy: Local, healthCheckNodePort: 32001,"
                        + " ports: [{port: 80, nodePort: 30121}]}", "") + eps("hc-remote", "[{addresses: [10.244.0.28], nodeName: node-b}]"));
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-run-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            node.exec("ip", "link", "set", "lo", "up");
            Path log = dir.resolve("run.log");
            Process proxy = node.start("sh", "-c", "exec " + LAUNCHER + " run --manifests " + manifests + " --config " + dir.resolve("kp.yaml")
                    + " --hostname-override node-a > " + log + " 2>&1");
            try {
                assertTrue(waitFor(() -> read(log).contains("serving /healthz") && read(log).contains("synced IPv4"), 20_000), read(log));
                String healthz = http(node, "http://127.0.0.1:10256/healthz");
                assertTrue(healthz.startsWith("HTTP/1.1 200"), healthz);
                assertTrue(healthz.toLowerCase(java.util.Locale.ROOT).contains("x-content-type-options: nosniff"), healthz);
                assertTrue(healthz.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), healthz);
                assertTrue(healthz.contains("\"healthy\": true") && healthz.contains("\"IPv4\""), healthz);
                assertTrue(http(node, "http://127.0.0.1:10256/livez").startsWith("HTTP/1.1 200"));
                assertTrue(http(node, "http://127.0.0.1:10249/proxyMode").endsWith("iptables"));
                // conntrack settings from the configuration, as kube-proxy applies them at start
                assertEquals("1800", node.exec("cat", "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_close_wait").strip());
                assertEquals("45", node.exec("cat", "/proc/sys/net/netfilter/nf_conntrack_udp_timeout").strip());
                assertEquals("86400", node.exec("cat", "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established").strip());
                // per-service health checks on the health-check node ports, as load balancers probe them
                String local = http(node, "http://127.0.0.1:32000/");
                assertTrue(local.startsWith("HTTP/1.1 200") && local.contains("\"localEndpoints\": 1")
                        && local.contains("\"name\": \"hc-local\"") && local.contains("\"serviceProxyHealthy\": true"), local);
                assertTrue(local.toLowerCase(java.util.Locale.ROOT).contains("x-load-balancing-endpoint-weight: 1"), local);
                String remote = http(node, "http://127.0.0.1:32001/");
                assertTrue(remote.startsWith("HTTP/1.1 503") && remote.contains("\"localEndpoints\": 0"), remote);
                String metrics = http(node, "http://127.0.0.1:10249/metrics");
                assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}"), metrics);
                assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"), metrics);
                assertTrue(metrics.contains("kubeproxy_proxy_healthz_total{code=\"200\"} 1.0"), metrics);
                assertTrue(metrics.contains("kubeproxy_iptables_ct_state_invalid_dropped_packets_total 0.0"), metrics);
                assertTrue(metrics.contains("# TYPE kubeproxy_iptables_localhost_nodeports_accepted_packets_total counter"), metrics);
                // kube-proxy's change counters and rule totals, the build info, and the JVM's and the process's figures
                // (the Prometheus client's collectors, on the module path)
                assertTrue(metrics.contains("kubeproxy_sync_proxy_rules_service_changes_total 4.0")
                        && metrics.contains("kubeproxy_sync_proxy_rules_endpoint_changes_pending 0.0"), metrics);
                assertTrue(metrics.lines().anyMatch(l -> l.matches("kubeproxy_sync_proxy_rules_iptables_total\\{ip_family=\"IPv4\",table=\"nat\"} \\d+\\.0")),
                        metrics);
                assertTrue(metrics.contains("kubernetes_build_info{") && metrics.contains("process_cpu_seconds_total ")
                        && metrics.contains("process_resident_memory_bytes ") && metrics.contains("jvm_memory_used_bytes{area=\"heap\"}"), metrics);
                String openMetrics = node.sh("curl -s -i --max-time 3 -H 'Accept: application/openmetrics-text; version=1.0.0' "
                        + "http://127.0.0.1:10249/metrics");
                assertTrue(openMetrics.contains("application/openmetrics-text") && openMetrics.strip().endsWith("# EOF"), openMetrics);
                String configz = http(node, "http://127.0.0.1:10249/configz");
                assertTrue(configz.startsWith("HTTP/1.1 200") && configz.contains("{\"kubeproxy.config.k8s.io\":{")
                        && configz.contains("\"syncPeriod\":\"2s\""), configz);
                assertTrue(node.exec("iptables-save", "-t", "filter").lines().anyMatch(l -> l.startsWith("-A KUBE-FORWARD")
                        && l.matches(".*--ctstate INVALID -m nfacct --nfacct-name +ct_state_invalid_dropped_pkts -j DROP")),
                        "the INVALID drop counts into nfacct");
                assertTrue(node.exec("nfacct", "list").contains("localhost_nps_accepted_pkts"));

                // an edit of the manifests moves traffic within a second or two: pod30 leaves the EndpointSlice
                long t0 = System.nanoTime();
                Files.writeString(manifests.resolve("svc.yaml"), SvcproxyTest.MANIFESTS.replace("10.101.57.300", "10.101.57.100")
                        .replace(", {addresses: [10.244.0.30]}", ""));
                assertTrue(waitFor(() -> node.exec("iptables-save", "-t", "nat").contains("KUBE-SEP") 
                        && !node.exec("iptables-save", "-t", "nat").contains("10.244.0.30"), 5_000), "pod30 gone from the rules");
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(seconds < 3, "took " + seconds + " s");
                assertTrue(topo.connect(node, "10.101.57.97:80", 20).stream().noneMatch(a -> a.startsWith("pod30")));

                // someone flushes the nat table: the rules are back within one syncPeriod (2 s)
                node.exec("iptables", "-w", "-t", "nat", "-F");
                assertTrue(waitFor(() -> node.exec("iptables-save", "-t", "nat").contains("-j KUBE-SERVICES"), 4_500),
                        node.exec("iptables-save", "-t", "nat"));
                assertEquals(20, topo.connect(node, "10.101.57.97:80", 20).size(), "serving again after the flush");
            } finally {
                proxy.destroy(); // SIGTERM, as a kubelet stopping the pod
                if (!proxy.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
            assertFalse(proxy.isAlive(), "the proxy stops on SIGTERM");
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String dns(String endpoints) {
        return String.join("\n",
                "apiVersion: v1",
                "kind: Service",
                "metadata: {name: dns, namespace: default}",
                "spec: {clusterIP: 10.101.57.53, ports: [{name: dns, port: 53, protocol: UDP}]}",
                "---",
                "apiVersion: discovery.k8s.io/v1",
                "kind: EndpointSlice",
                "metadata: {name: dns-1, namespace: default, labels: {kubernetes.io/service-name: dns}}",
                "addressType: IPv4",
                "ports: [{name: dns, port: 5353, protocol: UDP}]",
                "endpoints: " + endpoints, "");
    }

    @Test
    void staleUdpFlowsToARemovedEndpointAreDeletedAfterTheSync(@TempDir Path dir) throws IOException {
        Map<String, String> pods = DemoTopology.pods(27, 28);
        try (DemoTopology topo = new DemoTopology("svcp-test-udp-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            Files.writeString(dir.resolve("dns.yaml"), dns("[{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}]"));
            assertTrue(svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a").endsWith("rc=0\n"));
            topo.client().sh("for p in $(seq 40000 40029); do echo q | socat -u - UDP:10.101.57.53:53,sourceport=$p; done");
            String before = node.exec("conntrack", "-L", "-p", "udp");
            long to28 = before.lines().filter(l -> l.contains("src=10.244.0.28 ")).count();
            long to27 = before.lines().filter(l -> l.contains("src=10.244.0.27 ")).count();
            assertEquals(30, to27 + to28, before);
            assertTrue(to27 > 0 && to28 > 0, before);

            Files.writeString(dir.resolve("dns.yaml"), dns("[{addresses: [10.244.0.27]}]"));
            String once = svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a");
            assertTrue(once.contains("deleted " + to28 + " stale UDP conntrack entries (IPv4)") && once.endsWith("rc=0\n"), once);
            String after = node.exec("conntrack", "-L", "-p", "udp");
            assertEquals(0, after.lines().filter(l -> l.contains("src=10.244.0.28 ")).count(), after);
            assertEquals(to27, after.lines().filter(l -> l.contains("src=10.244.0.27 ")).count(), after);
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }

    static String svc(String name, String spec, String status) {
        return "---\napiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\nspec: " + spec + "\n"
                + (status.isEmpty() ? "" : "status: " + status + "\n");
    }

    static String eps(String service, String endpoints) {
        return "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + service
                + "-1, namespace: default, labels: {kubernetes.io/service-name: " + service + "}}\naddressType: IPv4\n"
                + "ports: [{port: 80}]\nendpoints: " + endpoints + "\n";
    }

    static final String ALL_PODS = "[{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}, {addresses: [10.244.0.30]}]";

    /**
     * Services both proxy modes are tested with: ClientIP affinity (sticky, .110), LB IPs with the client's source
     * range (lb-open, 203.0.113.20) and another (lb-closed, 203.0.113.21), an ETP Local node port 30114 with its
     * local pod pod30, and pod27 behind its own service (self, .115, hairpin).
     */
    static final String POLICIES = svc("sticky", "{clusterIP: 10.101.57.110, sessionAffinity: ClientIP, ports: [{port: 80}]}", "")
            + eps("sticky", ALL_PODS)
            + svc("lb-open", "{type: LoadBalancer, clusterIP: 10.101.57.111, loadBalancerSourceRanges: [192.168.77.0/24],"
                    + " ports: [{port: 80, nodePort: 30111}]}", "{loadBalancer: {ingress: [{ip: 203.0.113.20}]}}") + eps("lb-open", ALL_PODS)
            + svc("lb-closed", "{type: LoadBalancer, clusterIP: 10.101.57.112, loadBalancerSourceRanges: [198.51.100.0/24],"
                    + " ports: [{port: 80, nodePort: 30112}]}", "{loadBalancer: {ingress: [{ip: 203.0.113.21}]}}") + eps("lb-closed", ALL_PODS)
            + svc("etp", "{type: NodePort, clusterIP: 10.101.57.114, externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30114}]}", "")
            + eps("etp", "[{addresses: [10.244.0.30], nodeName: node-a}, {addresses: [10.244.0.28], nodeName: node-b}]")
            + svc("self", "{clusterIP: 10.101.57.115, ports: [{port: 80}]}", "") + eps("self", "[{addresses: [10.244.0.27], nodeName: node-a}]")
            + svc("both", "{type: NodePort, clusterIP: 10.101.57.116, internalTrafficPolicy: Local, externalTrafficPolicy: Local,"
                    + " ports: [{port: 80, nodePort: 30116}]}", "")
            + eps("both", "[{addresses: [10.244.0.30], nodeName: node-a}, {addresses: [10.244.0.28], nodeName: node-b}]");

    @Test
    void affinitySourceRangesTrafficPoliciesAndHairpinOnRealConnections(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("svc.yaml"), POLICIES
                + svc("itp", "{clusterIP: 10.101.57.113, internalTrafficPolicy: Local, ports: [{port: 80}]}", "")
                + eps("itp", "[{addresses: [10.244.0.28], nodeName: node-b}]"));
        Map<String, String> pods = DemoTopology.pods(27, 28, 30);
        try (DemoTopology topo = new DemoTopology("svcp-test-pol-" + ProcessHandle.current().pid(), pods, 80)) {
            NetworkNamespace node = topo.node();
            assertTrue(svcproxy(node, "run --once --manifests " + dir + " --hostname-override node-a").endsWith("rc=0\n"));
            // ClientIP affinity: one client keeps one endpoint
            java.util.Set<String> sticky = new java.util.TreeSet<>();
            topo.connect(node, "10.101.57.110:80", 20).forEach(a -> sticky.add(a.split(" ")[0]));
            assertEquals(1, sticky.size(), "affinity keeps one pod: " + sticky);
            // loadBalancerSourceRanges: the client's range is let in, another service's range keeps it out. The LB
            // IPs are local addresses of the node, as VIP-style load balancers make them, so the blocked packet,
            // left un-DNATed by KUBE-FW, meets kube-proxy's DROP in KUBE-PROXY-FIREWALL on INPUT
            node.sh("ip link set lo up && ip addr add 203.0.113.20/32 dev lo && ip addr add 203.0.113.21/32 dev lo");
            assertTrue(connect(topo.client(), "203.0.113.20:80").startsWith("pod"), "allowed source range");
            assertFalse(connect(topo.client(), "203.0.113.21:80").startsWith("pod"), "blocked by KUBE-PROXY-FIREWALL");
            String fw = node.exec("iptables", "-w", "-L", "KUBE-PROXY-FIREWALL", "-v", "-n", "-x");
            assertTrue(fw.lines().anyMatch(l -> l.contains("203.0.113.21") && !l.trim().startsWith("0 ")), fw);
            // internalTrafficPolicy Local without a local endpoint: the cluster IP drops
            assertFalse(connect(node, "10.101.57.113:80").startsWith("pod"), "ITP Local, no local endpoint: dropped");
            // externalTrafficPolicy Local: only the local pod serves, and it sees the client's own address
            for (String a : topo.connect(topo.client(), "192.168.77.1:30114", 10)) {
                assertEquals("pod30 " + DemoTopology.CLIENT_IP, a, "ETP Local keeps the source");
            }
            // hairpin: a pod reaching itself through its service is answered, masqueraded to the node's address
            assertEquals("pod27 " + DemoTopology.NODE_BRIDGE_IP, connect(topo.pod("pod27"), "10.101.57.115:80").strip());
            // both policies Local: the node's own traffic to the node port is short-circuited to the cluster chain
            // (any pod: kube-proxy short-circuits it to the cluster chain, KUBE-SVC, not KUBE-SVL). One CI run saw this
            // connection fail fast once, not reproduced in 15 runs here: up to 3 attempts, each failure printed with
            // the node's nat table and conntrack entries, so the next one says what it was
            String both = "";
            for (int attempt = 1; attempt <= 3 && !both.startsWith("pod"); attempt++) {
                both = connect(node, "192.168.77.1:30116");
                if (!both.startsWith("pod")) {
                    System.out.println("ETP+ITP Local node port from the host, attempt " + attempt + ": " + both
                            + node.exec("iptables-save", "-t", "nat") + node.exec("conntrack", "-L"));
                }
            }
            assertTrue(both.startsWith("pod"), "ETP+ITP Local node port from the host: " + both);
            assertTrue(svcproxy(node, "cleanup").endsWith("rc=0\n"));
        }
    }

    /** The launcher as a process of this test (render touches nothing), with {@code env} added. */
    /**
     * The archive the build makes: extracted anywhere, its launcher runs; it takes the Java of {@code JAVA_HOME} and
     * refuses one older than 17, or a {@code JAVA_HOME} without a java, with a clear message.
     */
    @Test
    void theDistributionArchiveRunsFromAnywhereAndItsLauncherChecksTheJava(@TempDir Path dir) throws Exception {
        Path archive;
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("target"))) {
            archive = s.filter(p -> p.getFileName().toString().matches("svcproxy-.*\\.tar\\.gz")).findFirst().orElseThrow();
        }
        Process tar = new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString(), "-C", dir.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        String name = archive.getFileName().toString().replace(".tar.gz", "");
        Path launcher = dir.resolve(name).resolve("bin/svcproxy");
        assertTrue(Files.isExecutable(launcher));
        assertTrue(Files.exists(dir.resolve(name).resolve("conf/kube-proxy.example.conf")));
        dev.svcproxy.k8s.ProxyConfigLoader.load(dir.resolve(name).resolve("conf/kube-proxy.example.conf"));
        String javaHome = System.getProperty("java.home");
        String ok = run(launcher, Map.of("JAVA_HOME", javaHome), "--version");
        assertTrue(ok.matches("svcproxy " + name.substring("svcproxy-".length()) + "\nrc=0\n"), ok);
        Path old = dir.resolve("old-java");
        Files.createDirectories(old.resolve("bin"));
        Files.writeString(old.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        old.resolve("bin/java").toFile().setExecutable(true);
        Files.writeString(old.resolve("release"), "JAVA_VERSION=\"11.0.21\"\n");
        String refused = run(launcher, Map.of("JAVA_HOME", old.toString()), "--version");
        assertEquals("svcproxy: " + old.resolve("bin/java") + " is Java 11.0.21; svcproxy needs Java 17 or newer (set JAVA_HOME)\nrc=2\n", refused);
        String none = run(launcher, Map.of("JAVA_HOME", dir.resolve("nothing").toString()), "--version");
        assertEquals("svcproxy: JAVA_HOME=" + dir.resolve("nothing") + " has no bin/java (svcproxy needs Java 17 or newer)\nrc=2\n", none);
    }

    /**
     * The launcher runs the serial collector (a third faster first sync of 10,000 services than G1 on two cores),
     * unless the JVM options choose another collector, which then is the one used (no conflict of two).
     */
    @Test
    void theLauncherRunsTheSerialCollectorUnlessTheOptionsChooseOne() throws Exception {
        String serial = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertTrue(serial.contains("-XX:+UseSerialGC") && serial.endsWith("rc=0\n"), serial);
        String g1 = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:+UseG1GC"), "--version");
        assertTrue(g1.contains("-XX:+UseG1GC") && !g1.contains("-XX:+UseSerialGC") && g1.endsWith("rc=0\n"), g1);
        String tool = run(LAUNCHER, Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC", "SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags"),
                "--version");
        assertTrue(tool.contains("-XX:+UseParallelGC") && !tool.contains("-XX:+UseSerialGC") && tool.endsWith("rc=0\n"), tool);
    }

    /**
     * Where the kernel gives transparent huge pages on request ({@code [madvise]}), the launcher has the heap ask for
     * them; elsewhere, or when the JVM options name huge pages, it adds nothing.
     */
    @Test
    void theLauncherAsksForTransparentHugePagesWhereTheKernelGivesThemOnRequest() throws Exception {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean onRequest = Files.isReadable(setting) && Files.readString(setting).contains("[madvise]");
        String out = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertEquals(onRequest, out.contains("-XX:+UseTransparentHugePages"), setting + " says " + (Files.isReadable(setting)
                ? Files.readString(setting).strip() : "nothing") + "; " + out);
        assertTrue(out.endsWith("rc=0\n"), out);
        String off = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:-UseTransparentHugePages"), "--version");
        assertTrue(off.contains("-XX:-UseTransparentHugePages") && !off.contains("-XX:+UseTransparentHugePages") && off.endsWith("rc=0\n"), off);
    }

    /**
     * A command that ends after one job compiles with C1 alone; the proxy that keeps running keeps tiered compilation;
     * JVM options that set the JIT win.
     */
    @Test
    void theLauncherCompilesShortCommandsWithC1AloneUnlessTheOptionsSetTheJit(@TempDir Path dir) throws Exception {
        Map<String, String> flags = Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        String missing = dir.resolve("none.yaml").toString();
        for (String[] args : java.util.List.of(new String[] {"--version"}, new String[] {"render", "--manifests", missing},
                new String[] {"run", "--manifests", missing, "--once"}, new String[] {"--init-only", "--config", missing})) {
            String out = run(LAUNCHER, flags, args);
            assertTrue(out.contains("-XX:TieredStopAtLevel=1"), String.join(" ", args) + ": " + out);
        }
        String daemon = run(LAUNCHER, flags, "run", "--manifests", missing);
        assertTrue(!daemon.contains("TieredStopAtLevel") && daemon.contains("rc=2\n"), daemon);
        String chosen = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -XX:TieredStopAtLevel=4"), "--version");
        assertTrue(chosen.contains("-XX:TieredStopAtLevel=4") && !chosen.contains("-XX:TieredStopAtLevel=1"), chosen);
    }

    private static String run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(launcher, env, 60, args);
    }

    /**
     * The image's AppCDS archive, made as deploy/Containerfile makes it (a render with -XX:ArchiveClassesAtExit), is
     * one the launcher's JVM maps: -Xshare:on refuses to start otherwise, and the proxy's classes come from it.
     */
    @Test
    void theAppCdsArchiveTheImageMakesIsUsedByTheLauncher(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyTest.MANIFESTS);
        Path jsa = dir.resolve("svcproxy.jsa");
        String made = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+UseSerialGC -XX:ArchiveClassesAtExit=" + jsa),
                "render", "--manifests", dir.resolve("svc.yaml").toString(), "--hostname-override", "node");
        assertTrue(made.endsWith("rc=0\n") && Files.size(jsa) > 1_000_000, made);
        String used = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+UseSerialGC -Xshare:on -XX:SharedArchiveFile=" + jsa
                + " -Xlog:class+load=info:file=" + dir.resolve("classes.log")), "--version");
        assertTrue(used.endsWith("rc=0\n"), used);
        assertTrue(Files.readString(dir.resolve("classes.log")).lines().anyMatch(l -> l.contains("dev.svcproxy.samples.cli.Svcproxy ")
                && l.contains("shared objects file (top)")), "the command's classes from the dynamic archive");
    }

    /**
     * The distribution carries the class-data archive the build made (a render, as the image's), and the launcher maps
     * it: the command's classes come from it; JVM options that name class sharing decide alone.
     */
    @Test
    void theLauncherUsesTheArchiveTheBuildMadeUnlessTheOptionsNameSharing(@TempDir Path dir) throws Exception {
        Path jsa = Path.of("target/svcproxy/lib/svcproxy.jsa").toAbsolutePath(); // where ../bin/svcproxy leads
        assertTrue(Files.isRegularFile(jsa) && Files.size(jsa) > 1_000_000, "the build made " + jsa);
        String used = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve("classes.log")), "--version");
        assertTrue(used.endsWith("rc=0\n"), used);
        assertTrue(Files.readString(dir.resolve("classes.log")).lines().anyMatch(l -> l.contains("dev.svcproxy.samples.cli.Svcproxy ")
                && l.contains("shared objects file (top)")), "the command's classes from the build's archive");
        String off = run(LAUNCHER, Map.of("SVCPROXY_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xshare:off"), "--version");
        assertTrue(!off.contains("SharedArchiveFile") && off.endsWith("rc=0\n"), off);
    }

    /**
     * The image picks the host's iptables flavour as kube-proxy's does (iptables-wrapper): the one with the kubelet's
     * hint chain, else the one with more rules, else nft; and the launcher puts that flavour's tools first on PATH.
     */
    @Test
    void selectIptablesPicksTheFlavourTheHostUses(@TempDir Path dir) throws Exception {
        Path select = LAUNCHER.getParent().getParent().resolve("samples/target/svcproxy/bin/select-iptables");
        try (dev.svcproxy.api.netns.NetworkNamespace ns = dev.svcproxy.api.netns.NetworkNamespace.create("svcp-test-flavour-" + ProcessHandle.current().pid())) {
            assertEquals("nft\n", ns.exec(select.toString(), dir.resolve("empty").toString()), "nothing anywhere: nft");
            ns.exec("iptables-legacy", "-A", "INPUT", "-s", "192.0.2.1", "-j", "ACCEPT");
            assertEquals("legacy\n", ns.exec(select.toString(), dir.resolve("more").toString()), "more legacy rules");
            assertEquals(Path.of("/usr/sbin/iptables-legacy-restore"), Files.readSymbolicLink(dir.resolve("more/iptables-restore")));
            ns.exec("iptables-nft", "-t", "mangle", "-N", "KUBE-IPTABLES-HINT");
            assertEquals("nft\n", ns.exec(select.toString(), dir.resolve("hint").toString()), "the kubelet's hint wins");
            assertEquals(Path.of("/usr/sbin/ip6tables-nft-save"), Files.readSymbolicLink(dir.resolve("hint/ip6tables-save")));
            ns.exec("iptables-nft", "-t", "mangle", "-X", "KUBE-IPTABLES-HINT");
            ns.exec("iptables-legacy", "-t", "mangle", "-N", "KUBE-KUBELET-CANARY");
            assertEquals("legacy\n", ns.exec(select.toString(), dir.resolve("canary").toString()));
            // the launcher with SVCPROXY_SELECT_IPTABLES=1 runs the proxy on the picked tools
            String out = ns.sh("SVCPROXY_SELECT_IPTABLES=1 " + LAUNCHER + " --version 2>&1");
            assertTrue(out.startsWith("svcproxy: iptables flavour of this host: legacy\nsvcproxy "), out);
            ns.exec("iptables-legacy", "-t", "mangle", "-X", "KUBE-KUBELET-CANARY");
            ns.exec("iptables-legacy", "-F", "INPUT");
        }
    }

    /** {@code launcher args} with {@code env} added: its output, then {@code rc=N}. */
    private static String run(Path launcher, Map<String, String> env, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(launcher.toString()));
        argv.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS));
        return out + "rc=" + p.exitValue() + "\n";
    }

    static String launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(LAUNCHER, env, 900, args);
    }

    @Test
    void aSchedulerPluginFromThePluginDirectoryChangesProbabilitiesAndIpvsWeights(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default,"
                + " annotations: {svcproxy.dev/scheduler: annotation-weights, svcproxy.dev/weights: '10.244.0.27=3'}}\n"
                + "spec: {clusterIP: 10.101.57.97, ports: [{port: 80}]}\n"
                + eps("web", "[{addresses: [10.244.0.27]}, {addresses: [10.244.0.28]}, {addresses: [10.244.0.30]}]"));
        String common = "--manifests " + dir + " --hostname-override node-a --ip-family IPv4";
        String iptables = launch(Map.of(), ("render " + common).split(" "));
        assertTrue(iptables.contains("\"default/web -> 10.244.0.27:80\" -m statistic --mode random --probability 0.6000000000"),
                "3/5 for the weighted endpoint:\n" + iptables);
        assertTrue(iptables.contains("\"default/web -> 10.244.0.28:80\" -m statistic --mode random --probability 0.5000000000"), iptables);
        String ipvs = launch(Map.of(), ("render --proxy-mode ipvs " + common).split(" "));
        assertTrue(ipvs.contains("-A -t 10.101.57.97:80 -s wrr\n") && ipvs.contains("-a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 3\n")
                && ipvs.contains("-a -t 10.101.57.97:80 -r 10.244.0.28:80 -m -w 1\n"), ipvs);
        // nftables mode: the weights become numgen slots, 3 of 5 for the weighted endpoint (an exact split)
        String nft = launch(Map.of(), ("render --proxy-mode nftables " + common).split(" "));
        String numgen = nft.lines().filter(l -> l.contains("numgen random mod")).findFirst().orElse(nft);
        assertTrue(numgen.contains("numgen random mod 5 vmap { 0 : goto endpoint-"), numgen);
        assertEquals(3, numgen.split("__10\\.244\\.0\\.27/80", -1).length - 1, numgen);
        assertEquals(1, numgen.split("__10\\.244\\.0\\.28/80", -1).length - 1, numgen);
        // without the plug-in directory the service is skipped by name, and render still succeeds
        String without = launch(Map.of("SVCPROXY_PLUGIN_DIR", dir.resolve("none").toString()), ("render " + common).split(" "));
        assertTrue(without.contains("no scheduler of that name") && without.contains("annotation-weights")
                && !without.contains("KUBE-SVC-") && without.endsWith("rc=0\n"), without);
    }

    /**
     * Where the kernel has no IPVS (as on this project's CI host) the demo runs itself in the kernel VM: this is the
     * IPVS demo's one test (the VM pass does not run it again).
     */
    @Test
    void theIpvsDemoRunsHereOrInTheKernelVmWhereIpvsIsMissing() throws Exception {
        String out = launch(Map.of(), "demo", "--mode", "ipvs", "--connections", "30");
        assertTrue(out.endsWith("rc=0\n"), out);
        assertEquals(3, out.lines().filter(l -> l.matches("\\s+pod\\d+\\s+10\\.244\\.0\\.\\d+\\s+10\\s+33\\.3%.*")).count(),
                "rr: 10 of 30 to each pod\n" + out);
        assertTrue(out.contains("TCP  10.101.57.97:80 rr") && out.contains("10.244.0.27,tcp:80,10.244.0.27"), "the IPVS table and KUBE-LOOP-BACK\n" + out);
        assertTrue(out.contains("the pods saw them coming from [10.244.0.1]"), "masqueraded to the node's bridge address\n" + out);
        assertTrue(dev.svcproxy.ipvs.IpvsClient.availability().available() || out.contains("running the demo inside Debian's kernel"), out);
    }
}
