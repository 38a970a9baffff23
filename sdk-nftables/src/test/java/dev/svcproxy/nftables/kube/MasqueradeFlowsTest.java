// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftPacketTracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kube-proxy's {@code TestInternalExternalMasquerade}: 27 flows (pod, node and external client to the ClusterIP, the
 * NodePort and the load balancer of a plain service, one with {@code externalTrafficPolicy: Local} and one with
 * {@code internalTrafficPolicy: Local}), each with where it may go and whether it is masqueraded, in four
 * configurations: as is, without a local-traffic detector, with {@code masqueradeAll}, and both.
 */
class MasqueradeFlowsTest {
    private static final String POD = "10.0.0.2";
    private static final String NODE = "192.168.0.2";
    private static final String EXTERNAL = "203.0.113.2";

    /** A flow: from, to, port, where it may go, masqueraded. */
    private record Flow(String name, String from, String to, int port, String output, boolean masq) {
        Flow with(String newOutput, Boolean newMasq) {
            return new Flow(name, from, to, port, newOutput == null ? output : newOutput, newMasq == null ? masq : newMasq);
        }
    }

    private static List<Flow> baseFlows() {
        String all1 = "10.180.0.1:80, 10.180.1.1:80";
        String all2 = "10.180.0.2:80, 10.180.1.2:80";
        String all3 = "10.180.0.3:80, 10.180.1.3:80";
        return List.of(
                new Flow("pod to ClusterIP", POD, "172.30.0.41", 80, all1, false),
                new Flow("pod to NodePort", POD, NODE, 3001, all1, true),
                new Flow("pod to LB", POD, "1.2.3.4", 80, all1, true),
                new Flow("node to ClusterIP", NODE, "172.30.0.41", 80, all1, true),
                new Flow("node to NodePort", NODE, NODE, 3001, all1, true),
                new Flow("node to LB", NODE, "1.2.3.4", 80, all1, true),
                new Flow("external to ClusterIP", EXTERNAL, "172.30.0.41", 80, all1, true),
                new Flow("external to NodePort", EXTERNAL, NODE, 3001, all1, true),
                new Flow("external to LB", EXTERNAL, "1.2.3.4", 80, all1, true),
                // externalTrafficPolicy does not apply to ClusterIP traffic; pods short-circuit to all endpoints
                new Flow("pod to ClusterIP with eTP:Local", POD, "172.30.0.42", 80, all2, false),
                new Flow("pod to NodePort with eTP:Local", POD, NODE, 3002, all2, false),
                new Flow("pod to LB with eTP:Local", POD, "5.6.7.8", 80, all2, false),
                new Flow("node to ClusterIP with eTP:Local", NODE, "172.30.0.42", 80, all2, true),
                new Flow("node to NodePort with eTP:Local", NODE, NODE, 3001, all1, true),
                new Flow("node to LB with eTP:Local", NODE, "5.6.7.8", 80, all2, true),
                new Flow("external to ClusterIP with eTP:Local", EXTERNAL, "172.30.0.42", 80, all2, true),
                new Flow("external to NodePort with eTP:Local", EXTERNAL, NODE, 3002, "10.180.0.2:80", false),
                new Flow("external to LB with eTP:Local", EXTERNAL, "5.6.7.8", 80, "10.180.0.2:80", false),
                // internalTrafficPolicy applies to ClusterIP traffic only, and never changes masquerading
                new Flow("pod to ClusterIP with iTP:Local", POD, "172.30.0.43", 80, "10.180.0.3:80", false),
                new Flow("pod to NodePort with iTP:Local", POD, NODE, 3003, all3, true),
                new Flow("pod to LB with iTP:Local", POD, "9.10.11.12", 80, all3, true),
                new Flow("node to ClusterIP with iTP:Local", NODE, "172.30.0.43", 80, "10.180.0.3:80", true),
                new Flow("node to NodePort with iTP:Local", NODE, NODE, 3003, all3, true),
                new Flow("node to LB with iTP:Local", NODE, "9.10.11.12", 80, all3, true),
                new Flow("external to ClusterIP with iTP:Local", EXTERNAL, "172.30.0.43", 80, "10.180.0.3:80", true),
                new Flow("external to NodePort with iTP:Local", EXTERNAL, NODE, 3003, all3, true),
                new Flow("external to LB with iTP:Local", EXTERNAL, "9.10.11.12", 80, all3, true));
    }

    private static VirtualService service(int n, String lb, TrafficPolicy etp, TrafficPolicy itp) {
        Endpoint local = Endpoint.builder().from(Endpoint.parse("10.180.0." + n + ":80")).local(true).build();
        Endpoint remote = Endpoint.parse("10.180.1." + n + ":80");
        return Scenario.svc("ns" + n, "svc" + n, "172.30.0.4" + n).nodePort(3000 + n).healthCheckNodePort(30000 + n)
                .addLoadBalancerIps(IpAddress.parse(lb)).externalTrafficPolicy(etp).internalTrafficPolicy(itp)
                .addClusterEndpoints(local, remote).addLocalEndpoints(local).build();
    }

    private static NftPacketTracer tracer(boolean masqueradeAll, boolean localDetector) {
        BackendContext ctx = BackendContext.builder().masqueradeAll(masqueradeAll)
                .localTraffic(localDetector ? LocalTraffic.fromCidrs(Cidr.parse("10.0.0.0/8")) : LocalTraffic.none())
                .addNodePortAddresses(Cidr.parse("192.168.0.2/32")).build();
        FakeNftables fake = new FakeNftables();
        new NftablesBackend(fake, ctx).sync(Scenario.table(List.of(
                service(1, "1.2.3.4", TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER),
                service(2, "5.6.7.8", TrafficPolicy.LOCAL, TrafficPolicy.CLUSTER),
                service(3, "9.10.11.12", TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL))));
        Set<IpAddress> nodeIps = Set.of(IpAddress.parse(NODE), IpAddress.parse("192.168.1.2"), IpAddress.parse("192.168.99.11"));
        return new NftPacketTracer(fake.list(Family.IP, "kube-proxy").orElseThrow(), nodeIps);
    }

    /**
     * @param masqueradeAll kube-proxy's {@code masqueradeAll}
     * @param localDetector whether pod traffic is told apart (10.0.0.0/8) or not at all
     * @param overrides {@code flow name=output|masq} pairs that differ from the base flows, separated by {@code ;}
     */
    @ParameterizedTest(name = "masqueradeAll={0} localDetector={1}")
    @CsvSource(delimiter = '#', value = {
        "false # true # ",
        // without a detector, traffic to a ClusterIP is taken as a pod's (no masquerade), and pods get no eTP:Local
        // short-circuit, so only the local endpoint
        "false # false # node to ClusterIP=|false; node to ClusterIP with eTP:Local=|false; node to ClusterIP with iTP:Local=|false;"
                + " external to ClusterIP=|false; external to ClusterIP with eTP:Local=|false; external to ClusterIP with iTP:Local=|false;"
                + " pod to NodePort with eTP:Local=10.180.0.2:80|; pod to LB with eTP:Local=10.180.0.2:80|",
        // every flow to a ClusterIP is masqueraded
        "true # true # pod to ClusterIP=|true; pod to ClusterIP with eTP:Local=|true; pod to ClusterIP with iTP:Local=|true",
        "true # false # pod to ClusterIP=|true; pod to ClusterIP with eTP:Local=|true; pod to ClusterIP with iTP:Local=|true;"
                + " pod to NodePort with eTP:Local=10.180.0.2:80|; pod to LB with eTP:Local=10.180.0.2:80|"})
    void flowsGoWhereKubeProxysGoAndAreMasqueradedAsKubeProxysAre(boolean masqueradeAll, boolean localDetector, String overrides) {
        Map<String, String> changes = overrides == null ? Map.of() : java.util.Arrays.stream(overrides.split(";"))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1)));
        List<Flow> flows = new ArrayList<>();
        for (Flow f : baseFlows()) {
            String c = changes.get(f.name());
            if (c == null) {
                flows.add(f);
                continue;
            }
            String[] parts = c.split("\\|", -1);
            Flow changed = f.with(parts[0].isEmpty() ? null : parts[0], parts[1].isEmpty() ? null : Boolean.valueOf(parts[1]));
            assertTrue(!changed.equals(f), f.name() + ": an override that changes nothing");
            flows.add(changed);
        }
        assertEquals(changes.size(), flows.stream().filter(f -> !baseFlows().contains(f)).count(), "every override names a flow");
        NftPacketTracer tracer = tracer(masqueradeAll, localDetector);
        List<String> wrong = new ArrayList<>();
        for (Flow f : flows) {
            boolean fromNode = f.from().equals(NODE);
            List<NftPacketTracer.Outcome> out = tracer.trace(new NftPacketTracer.Packet(IpAddress.parse(f.from()), IpAddress.parse(f.to()),
                    Protocol.TCP, 40000, f.port(), fromNode ? Optional.empty() : Optional.of(f.from().equals(POD) ? "cbr0" : "eth0")));
            Set<String> went = new TreeSet<>();
            out.forEach(o -> went.add(o.dnat().map(HostPort::toString).orElse(o.verdict().name())));
            Set<String> expected = new TreeSet<>(List.of(f.output().split(", ")));
            boolean masq = out.stream().allMatch(NftPacketTracer.Outcome::masquerade);
            boolean mixed = out.stream().anyMatch(NftPacketTracer.Outcome::masquerade) != masq;
            if (!went.equals(expected) || masq != f.masq() || mixed) {
                wrong.add(f.name() + ": went to " + went + " masq=" + masq + (mixed ? " (on some paths only)" : "")
                        + ", kube-proxy: " + expected + " masq=" + f.masq());
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
