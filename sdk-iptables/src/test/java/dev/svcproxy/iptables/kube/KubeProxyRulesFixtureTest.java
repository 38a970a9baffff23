// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * kube-proxy's own expected rules for six services (the state used by kube-proxy's iptables proxier tests, e.g.
 * TestCleanupLeftovers / TestOverallIPTablesRules): cluster IPs, an external IP, load-balancer IPs with and without
 * source ranges, node ports, externalTrafficPolicy Local without local endpoints, a health-check node port and a
 * service without endpoints. Every per-service rule we write must be, character for character, one of theirs.
 */
class KubeProxyRulesFixtureTest {
    /** The per-service lines of kube-proxy's fixture (filter, then nat), as kube-proxy writes them. */
    static final List<String> EXPECTED = List.of(
            "-A KUBE-NODEPORTS -m comment --comment \"ns2/svc2:p80 health check node port\" -m tcp -p tcp --dport 30000 -j ACCEPT",
            "-A KUBE-SERVICES -m comment --comment \"ns6/svc6:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT",
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP",
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP",
            "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP",
            "-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP",
            "-A KUBE-PROXY-FIREWALL -m comment --comment \"ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP",
            "-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK",
            "-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C",
            "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O",
            "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 external IP\" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 loadbalancer IP\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-SERVICES -m comment --comment \"ns3/svc3:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK",
            "-A KUBE-SERVICES -m comment --comment \"ns4/svc4:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK",
            "-A KUBE-SERVICES -m comment --comment \"ns4/svc4:p80 external IP\" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK",
            "-A KUBE-SERVICES -m comment --comment \"ns5/svc5:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C",
            "-A KUBE-SERVICES -m comment --comment \"ns5/svc5:p80 loadbalancer IP\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C",
            "-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment \"masquerade traffic for ns4/svc4:p80 external destinations\" -j KUBE-MARK-MASQ",
            "-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK",
            "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"pod traffic for ns2/svc2:p80 external destinations\" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"masquerade LOCAL traffic for ns2/svc2:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
            "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"route LOCAL traffic for ns2/svc2:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
            "-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment \"masquerade traffic for ns5/svc5:p80 external destinations\" -j KUBE-MARK-MASQ",
            "-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C",
            "-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment \"masquerade traffic for ns3/svc3:p80 external destinations\" -j KUBE-MARK-MASQ",
            "-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK",
            "-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 loadbalancer IP\" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C",
            "-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment \"other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL\"",
            "-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80",
            "-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80",
            "-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80",
            "-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80",
            "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
            "-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ",
            "-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80",
            "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 -> 10.180.0.4:80\" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC",
            "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 -> 10.180.0.5:80\" -j KUBE-SEP-C6EBXVWJJZMIWKLZ",
            "-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment \"ns2/svc2:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment \"ns2/svc2:p80 -> 10.180.0.2:80\" -j KUBE-SEP-RS4RBKLTHTF2IUXJ",
            "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 -> 10.180.0.3:80\" -j KUBE-SEP-I77PXRDZVX7PMWMN",
            "-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment \"ns3/svc3:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment \"ns3/svc3:p80 -> 10.180.0.3:80\" -j KUBE-SEP-OYPFS5VJICHGATKP",
            "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
            "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j KUBE-SEP-SXIVWICOYRO3J4NJ");

    static Endpoint ep(String hostPort) {
        return Endpoint.of(HostPort.parse(hostPort));
    }

    static VirtualService.Builder svc(int n, String clusterIp) {
        return VirtualService.builder().name(ServicePortName.of("ns" + n, "svc" + n, "p80")).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse(clusterIp));
    }

    static ServiceTable fixture() {
        return ServiceTable.builder().family(IpFamily.IPV4).addNodeIps(IpAddress.parse("192.168.0.2")).addServices(
                svc(1, "172.30.0.41").addClusterEndpoints(ep("10.180.0.1:80")).build(),
                svc(2, "172.30.0.42").addExternalIps(IpAddress.parse("192.168.99.22")).addLoadBalancerIps(IpAddress.parse("1.2.3.4"))
                        .nodePort(3001).healthCheckNodePort(30000).externalTrafficPolicy(TrafficPolicy.LOCAL)
                        .addClusterEndpoints(ep("10.180.0.2:80")).build(),
                svc(3, "172.30.0.43").nodePort(3003).addClusterEndpoints(ep("10.180.0.3:80")).build(),
                svc(4, "172.30.0.44").addExternalIps(IpAddress.parse("192.168.99.33"))
                        .addClusterEndpoints(ep("10.180.0.4:80"), ep("10.180.0.5:80")).build(),
                svc(5, "172.30.0.45").addLoadBalancerIps(IpAddress.parse("5.6.7.8"))
                        .addLoadBalancerSourceRanges(Cidr.parse("203.0.113.0/25")).nodePort(3002)
                        .addClusterEndpoints(ep("10.180.0.3:80")).build(),
                svc(6, "172.30.0.46").build()).build();
    }

    @Test
    void everyPerServiceRuleIsKubeProxysOwn() {
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.0.0.0/8"))).build();
        dev.svcproxy.iptables.IptablesTransaction tx = new KubeProxyRules(ctx, false).fullSync(fixture(), Set.of(), new ArrayList<>());
        // a full sync declares every chain its rules use, so its restore can start before the table has been read
        assertEquals(java.util.Map.of(), tx.externalChains());
        String payload = tx.render();
        Set<String> fixed = Set.of("KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-FORWARD");
        TreeSet<String> ours = new TreeSet<>(payload.lines()
                .filter(l -> l.startsWith("-A ") && !fixed.contains(l.split(" ")[1]) && !l.contains("kubernetes service nodeports"))
                .toList());
        assertEquals(new TreeSet<>(EXPECTED), ours);
    }

    /**
     * nat KUBE-SERVICES and KUBE-NODEPORTS hold their rules in descending order of the chain each jumps to (what
     * iptables-nft inserts cheapest), KUBE-SERVICES' jump to KUBE-NODEPORTS still last; a partial sync, which rewrites
     * them, writes the same order.
     */
    @Test
    void theEntryChainsJumpInDescendingOrderOfTheirTargets() {
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.0.0.0/8"))).build();
        KubeProxyRules rules = new KubeProxyRules(ctx, false);
        String full = rules.fullSync(fixture(), Set.of(), new ArrayList<>()).render();
        String partial = rules.partialSync(fixture(), Set.of(), new ArrayList<>(), Set.of(), new java.util.HashSet<>()).render();
        for (String payload : List.of(full, partial)) {
            String nat = payload.substring(payload.indexOf("*nat"));
            for (String chain : List.of("KUBE-SERVICES", "KUBE-NODEPORTS")) {
                List<String> lines = nat.lines().filter(l -> l.startsWith("-A " + chain + " ")).toList();
                List<String> targets = lines.stream().map(l -> l.substring(l.lastIndexOf(" -j ") + 4)).toList();
                List<String> services = targets.stream().filter(t -> !t.equals("KUBE-NODEPORTS")).toList();
                List<String> descending = new ArrayList<>(services);
                descending.sort(java.util.Comparator.reverseOrder());
                assertEquals(descending, services, chain);
                assertEquals(chain.equals("KUBE-SERVICES") ? 9 : 3, services.size(), chain + ": " + lines);
            }
            List<String> services = nat.lines().filter(l -> l.startsWith("-A KUBE-SERVICES ")).toList();
            assertEquals("KUBE-NODEPORTS", services.get(services.size() - 1).substring(services.get(services.size() - 1).lastIndexOf(" -j ") + 4));
        }
    }
}
