// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.samples.demo.DemoTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example on the kernel: this JVM runs a kube-proxy for a "node" namespace it is not in; a
 * client namespace reaches the Service's ClusterIP through it; the node's sysctls are set and the host's are not.
 */
@Tag("kernel")
class EmbeddedProxyKernelTest {
    static final String MANIFESTS = String.join("\n",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: web, namespace: default}",
            "spec: {clusterIP: 10.101.57.210, ports: [{name: http, port: 8080, targetPort: 80}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}",
            "addressType: IPv4",
            "ports: [{name: http, port: 80}]",
            "endpoints: [{addresses: [10.244.0.27], nodeName: node-a}, {addresses: [10.244.0.28], nodeName: node-a}]",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: lb, namespace: default}",
            "spec: {type: LoadBalancer, clusterIP: 10.101.57.211, externalTrafficPolicy: Local, healthCheckNodePort: 30999,",
            "  ports: [{name: http, port: 8080, targetPort: 80, nodePort: 30080}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: lb-1, namespace: default, labels: {kubernetes.io/service-name: lb}}",
            "addressType: IPv4",
            "ports: [{name: http, port: 80}]",
            "endpoints: [{addresses: [10.244.0.27], nodeName: node-a}]",
            "");
    static final String ROUTE_LOCALNET = "/proc/sys/net/ipv4/conf/all/route_localnet";
    static final String TCP_ESTABLISHED = "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established";

    static String read(String path) throws IOException {
        return Files.readString(Path.of(path)).strip();
    }

    @Test
    void aProxyForAnotherNamespaceServesItsClusterIpAndLeavesTheHostsSysctlsAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("web.yaml"), MANIFESTS);
        String hostLocalnet = read(ROUTE_LOCALNET);
        String hostEstablished = read(TCP_ESTABLISHED);
        Map<String, String> pods = DemoTopology.pods(27, 28);
        try (DemoTopology topo = new DemoTopology("svcp-test-embed-" + ProcessHandle.current().pid(), pods, 80)) {
            try (KubeProxy proxy = EmbeddedProxy.start(dir, topo.node().path(), "node-a")) {
                long end = System.currentTimeMillis() + 20_000;
                while (!topo.node().exec("iptables-save", "-t", "nat").contains("KUBE-SEP") && System.currentTimeMillis() < end) {
                    Thread.sleep(100);
                }
                assertEquals(Set.of("pod27", "pod28"), L4LoadBalancerKernelTest.pods(topo.connect(topo.client(), "10.101.57.210:8080", 30)),
                        "the ClusterIP spreads over both pods");
                assertEquals("1", topo.node().exec("cat", ROUTE_LOCALNET).strip(), "route_localnet is set in the node namespace");
                assertEquals("86400", topo.node().exec("cat", TCP_ESTABLISHED).strip(), "kube-proxy's conntrack timeout, in the node namespace");
                assertTrue(proxy.health().healthy());
                String hc = topo.client().exec("curl", "-s", "-m", "5", "-i", "http://192.168.77.1:30999/");
                assertTrue(hc.startsWith("HTTP/1.1 200") && hc.contains("\"localEndpoints\": 1"),
                        "the health-check node port answers inside the node namespace: " + hc);
            }
            assertEquals(hostLocalnet, read(ROUTE_LOCALNET), "the host's route_localnet is untouched");
            assertEquals(hostEstablished, read(TCP_ESTABLISHED), "the host's conntrack timeout is untouched");
            assertTrue(topo.node().exec("iptables-save", "-t", "nat").contains("KUBE-SERVICES"), "closing the proxy leaves its rules");
            assertFalse(topo.client().exec("iptables-save", "-t", "nat").contains("KUBE-"), "nothing in the client's namespace");
        }
    }
}
