// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.ipset.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** kube-proxy's IPVS mode as data: virtual servers, ipset entries and the iptables rules that match them. */
class IpvsProxyRulesTest {
    static final BackendContext CTX = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16"))).build();

    static Endpoint ep(String hostPort, boolean local) {
        return Endpoint.builder().from(Endpoint.of(HostPort.parse(hostPort))).local(local).build();
    }

    static VirtualService.Builder svc(String name, String clusterIp) {
        return VirtualService.builder().name(ServicePortName.of("default", name, "")).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse(clusterIp));
    }

    static ServiceTable table() {
        return ServiceTable.builder().family(IpFamily.IPV4).addNodeIps(IpAddress.parse("192.168.77.1")).addServices(
                svc("web", "10.101.57.97").nodePort(30080).addExternalIps(IpAddress.parse("203.0.113.10"))
                        .addClusterEndpoints(ep("10.244.0.27:80", true), ep("10.244.0.28:80", true), ep("10.244.1.30:80", false)).build(),
                svc("sticky", "10.101.57.110").sessionAffinity(SessionAffinity.clientIp(10800))
                        .addClusterEndpoints(ep("10.244.0.27:80", true)).build(),
                svc("lb", "10.101.57.111").nodePort(30111).healthCheckNodePort(32000).externalTrafficPolicy(TrafficPolicy.LOCAL)
                        .addLoadBalancerIps(IpAddress.parse("203.0.113.20")).addLoadBalancerSourceRanges(Cidr.parse("192.168.77.0/24"))
                        .addClusterEndpoints(ep("10.244.0.27:80", true), ep("10.244.1.30:80", false))
                        .addLocalEndpoints(ep("10.244.0.27:80", true)).build(),
                svc("closed", "10.101.57.112").addLoadBalancerIps(IpAddress.parse("203.0.113.21"))
                        .addLoadBalancerSourceRanges(Cidr.parse("198.51.100.0/24")).addClusterEndpoints(ep("10.244.1.30:80", false)).build())
                .build();
    }

    static Set<String> entries(IpvsProxyState s, KubeIpset set) {
        return s.sets().getOrDefault(set, Set.of()).stream().map(Entry::toString).collect(Collectors.toSet());
    }

    @Test
    void virtualServersRealServersAndBoundAddressesAsKubeProxyMakesThem() {
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        IpvsProxyState s = new IpvsProxyRules(CTX, "rr", true).build(table(), List.of(IpAddress.parse("192.168.77.1"),
                IpAddress.parse("127.0.0.1"), IpAddress.parse("169.254.3.3")), skipped);
        assertTrue(skipped.isEmpty(), skipped.toString());
        String ipvs = s.ipvs().toString();
        assertTrue(ipvs.contains("-A -t 10.101.57.97:80 -s rr\n"), ipvs);
        assertTrue(ipvs.contains("-a -t 10.101.57.97:80 -r 10.244.0.27:80 -m -w 1\n"), ipvs);
        assertTrue(ipvs.contains("-A -t 203.0.113.10:80 -s rr\n"), "external IP: " + ipvs);
        assertTrue(ipvs.contains("-A -t 192.168.77.1:30080 -s rr\n"), "node port on the node's address: " + ipvs);
        assertFalse(ipvs.contains("127.0.0.1:30080") || ipvs.contains("169.254.3.3"), "never on loopback or link-local: " + ipvs);
        assertTrue(ipvs.contains("-A -t 10.101.57.110:80 -s rr -p 10800\n"), "ClientIP affinity is persistence: " + ipvs);
        // ETP Local: external virtual servers get the local endpoints only; the cluster IP gets all
        assertTrue(ipvs.contains("-a -t 203.0.113.20:80 -r 10.244.0.27:80 -m -w 1\n") && !ipvs.contains("-a -t 203.0.113.20:80 -r 10.244.1.30"), ipvs);
        assertTrue(ipvs.contains("-a -t 10.101.57.111:80 -r 10.244.1.30:80 -m -w 1\n"), ipvs);
        assertEquals(Set.of("10.101.57.97", "10.101.57.110", "10.101.57.111", "10.101.57.112", "203.0.113.10", "203.0.113.20",
                "203.0.113.21"), s.bound().stream().map(IpAddress::toString).collect(Collectors.toSet()), "bound to kube-ipvs0");
    }

    @Test
    void ipsetEntriesFollowKubeProxysSets() {
        IpvsProxyState s = new IpvsProxyRules(CTX, "rr", true).build(table(), List.of(IpAddress.parse("192.168.77.1")), new ArrayList<>());
        assertEquals(Set.of("10.244.0.27,tcp:80,10.244.0.27", "10.244.0.28,tcp:80,10.244.0.28"), entries(s, KubeIpset.LOOP_BACK),
                "local endpoints only, for hairpin");
        assertEquals(Set.of("10.101.57.97,tcp:80", "10.101.57.110,tcp:80", "10.101.57.111,tcp:80", "10.101.57.112,tcp:80"),
                entries(s, KubeIpset.CLUSTER_IP));
        assertEquals(Set.of("203.0.113.10,tcp:80"), entries(s, KubeIpset.EXTERNAL_IP));
        assertEquals(Set.of("203.0.113.20,tcp:80", "203.0.113.21,tcp:80"), entries(s, KubeIpset.LOAD_BALANCER));
        assertEquals(Set.of("203.0.113.20,tcp:80"), entries(s, KubeIpset.LOAD_BALANCER_LOCAL));
        assertEquals(Set.of("203.0.113.20,tcp:80", "203.0.113.21,tcp:80"), entries(s, KubeIpset.LOAD_BALANCER_FW));
        assertEquals(Set.of("203.0.113.20,tcp:80,192.168.77.0/24", "203.0.113.21,tcp:80,198.51.100.0/24"),
                entries(s, KubeIpset.LOAD_BALANCER_SOURCE_CIDR));
        assertEquals(Set.of("203.0.113.20,tcp:80,203.0.113.20"), entries(s, KubeIpset.LOAD_BALANCER_SOURCE_IP),
                "the node's own address is in the first range, so the node may reach that LB IP");
        assertEquals(Set.of("30080", "30111"), entries(s, KubeIpset.NODE_PORT_TCP));
        assertEquals(Set.of("30111"), entries(s, KubeIpset.NODE_PORT_LOCAL_TCP));
        assertEquals(Set.of("32000"), entries(s, KubeIpset.HEALTH_CHECK_NODE_PORT));
        assertEquals(7, entries(s, KubeIpset.IPVS_IPS).size());
        assertEquals("KUBE-6-LOAD-BALANCER-SOURCE-CID", KubeIpset.LOAD_BALANCER_SOURCE_CIDR.setName(IpFamily.IPV6), "cut to 31");
    }

    @Test
    void iptablesRulesAreKubeProxysWriteIptablesRules() {
        String payload = new IpvsProxyRules(CTX, "rr", true).build(table(), List.of(IpAddress.parse("192.168.77.1")), new ArrayList<>())
                .iptables().render();
        for (String line : List.of(
                "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN",
                "-A KUBE-POSTROUTING -m comment --comment \"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose\""
                        + " -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE",
                "-A KUBE-SERVICES -m comment --comment \"Kubernetes service lb portal\" -m set --match-set KUBE-LOAD-BALANCER dst,dst"
                        + " -j KUBE-LOAD-BALANCER",
                "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port with externalTrafficPolicy=local\""
                        + " -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN",
                "-A KUBE-NODE-PORT -p tcp -m comment --comment \"Kubernetes nodeport TCP port for masquerade purpose\""
                        + " -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
                "-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\""
                        + " -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ",
                "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
                "-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ",
                "-A KUBE-PROXY-FIREWALL -m comment --comment \"Kubernetes service load balancer ip + port for load balancer with"
                        + " sourceRange\" -m set --match-set KUBE-LOAD-BALANCER-FW dst,dst -j KUBE-SOURCE-RANGES-FIREWALL",
                "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP",
                "-A KUBE-IPVS-OUT-FILTER -s 203.0.113.21 -m ipvs --vaddr 203.0.113.21 --vproto tcp --vport 80 -j DROP",
                "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
                "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT",
                "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000")) {
            assertTrue(payload.contains(line + "\n"), line + "\n--- in ---\n" + payload);
        }
        assertTrue(payload.indexOf("-j KUBE-NODE-PORT-LOCAL") < 0 && payload.indexOf("KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN")
                < payload.indexOf("KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ"), "local node ports return before the masquerade mark");
        assertTrue(payload.contains("-m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT"), payload);
    }

    @Test
    void masqueradeAllAndNoDetectorChangeTheClusterIpRule() {
        BackendContext all = BackendContext.builder().masqueradeAll(true).build();
        assertTrue(new IpvsProxyRules(all, "rr", true).build(table(), List.of(), new ArrayList<>()).iptables().render()
                .contains("--match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ"));
        assertTrue(new IpvsProxyRules(BackendContext.defaults(), "rr", true).build(table(), List.of(), new ArrayList<>()).iptables()
                .render().contains("--match-set KUBE-CLUSTER-IP src,dst -j KUBE-MARK-MASQ"), "no detector: node-originated VIP sources");
    }

    @Test
    void mhSetsTheSourceHashFlagAndUnknownSchedulersAreRefused() {
        String ipvs = new IpvsProxyRules(CTX, "mh", true).build(table(), List.of(), new ArrayList<>()).ipvs().toString();
        assertTrue(ipvs.contains("-A -t 10.101.57.97:80 -s mh -b mh-port\n"), ipvs);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new IpvsProxyRules(CTX, "nosuch", true));
        assertTrue(e.getMessage().contains("ipvs.scheduler: unknown IPVS scheduler 'nosuch'"), e.getMessage());
    }

    @Test
    void renderShowsAllThreeLayers() {
        String r = new IpvsProxyRules(CTX, "rr", true).build(table(), List.of(IpAddress.parse("192.168.77.1")), new ArrayList<>()).render();
        assertTrue(r.startsWith("# ipvs\n-A -t "), r);
        assertTrue(r.contains("# ipset\ncreate KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem 65536 comment -exist\n"), r);
        assertTrue(r.contains("create KUBE-NODE-PORT-TCP bitmap:port range 0-65535 comment -exist\nadd KUBE-NODE-PORT-TCP 30080 -exist\n"), r);
        assertTrue(r.contains("# iptables\n*nat\n") || r.contains("# iptables\n*filter\n"), r);
        assertTrue(r.contains("# kube-ipvs0\naddress 10.101.57.97\naddress 10.101.57.110\n"), r);
    }
}
