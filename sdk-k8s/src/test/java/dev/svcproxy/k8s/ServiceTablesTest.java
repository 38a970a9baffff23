// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceTablesTest {

    static String service(String name, String spec) {
        return "---\napiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\nspec: " + spec + "\n";
    }

    static String slice(String name, String service, String type, String ports, String endpoints) {
        return "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + name
                + ", namespace: default, labels: {kubernetes.io/service-name: " + service + "}}\naddressType: " + type
                + "\nports: " + ports + "\nendpoints: " + endpoints + "\n";
    }

    static ServiceTables.Result build(String yaml) {
        return ServiceTables.build(ClusterSnapshot.parse(yaml, "test.yaml"), "node-a");
    }

    static VirtualService one(ServiceTables.Result r, IpFamily f, String name) {
        return r.table(f).services().stream().filter(s -> s.name().equals(ServicePortName.parse(name))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + r.table(f).services()));
    }

    static List<String> ips(List<Endpoint> eps) {
        return eps.stream().map(Endpoint::toString).toList();
    }

    @Test
    void clusterIpServiceWithSortedDeduplicatedEndpoints() {
        String yaml = service("web", "{clusterIP: 10.101.57.97, ports: [{name: http, port: 80, protocol: TCP}]}")
                + slice("web-1", "web", "IPv4", "[{name: http, port: 8080, protocol: TCP}]",
                "[{addresses: [10.244.0.30]}, {addresses: [10.244.0.27], nodeName: node-a}]")
                + slice("web-2", "web", "IPv4", "[{name: http, port: 8080, protocol: TCP}]",
                "[{addresses: [10.244.0.28], conditions: {ready: false}}, {addresses: [10.244.0.27]}]");
        VirtualService s = one(build(yaml), IpFamily.IPV4, "default/web:http");
        assertEquals(Optional.of(IpAddress.parse("10.101.57.97")), s.clusterIp());
        assertEquals(Protocol.TCP, s.protocol());
        assertEquals(List.of("10.244.0.27:8080", "10.244.0.30:8080"), ips(s.clusterEndpoints()), "ready ones, sorted by ip:port");
        assertTrue(s.clusterEndpoints().get(0).local(), "on node-a");
        assertTrue(s.localEndpoints().isEmpty(), "no Local policy, no local list");
        assertTrue(s.hasAnyEndpoints());
    }

    @Test
    void serviceCidrsGoToTheTableOfTheirFamily() {
        ServiceTables.Result r = build(String.join("\n",
                "apiVersion: networking.k8s.io/v1",
                "kind: ServiceCIDR",
                "metadata: {name: kubernetes}",
                "spec: {cidrs: [10.96.0.0/12, 'fd00:96::/108']}",
                "---",
                "apiVersion: networking.k8s.io/v1",
                "kind: ServiceCIDR",
                "metadata: {name: extra}",
                "spec: {cidrs: [10.200.0.0/16, not-a-cidr]}"));
        assertEquals(List.of(Cidr.parse("10.96.0.0/12"), Cidr.parse("10.200.0.0/16")), r.table(IpFamily.IPV4).serviceCidrs());
        assertEquals(List.of(Cidr.parse("fd00:96::/108")), r.table(IpFamily.IPV6).serviceCidrs());
        assertTrue(r.problems().stream().anyMatch(p -> p.kind().equals("ServiceCIDR") && p.message().contains("not-a-cidr")), r.problems().toString());
    }

    @Test
    void skippedKindsAndLabels() {
        String yaml = service("headless", "{clusterIP: None, ports: [{port: 80}]}")
                + service("ext", "{type: ExternalName, externalName: example.com, ports: [{port: 80}]}")
                + "---\napiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: default, labels: "
                + "{service.kubernetes.io/service-proxy-name: someone-else}}\nspec: {clusterIP: 10.96.0.9, ports: [{port: 80}]}\n"
                + service("kept", "{clusterIP: 10.96.0.10, ports: [{port: 53, protocol: UDP}]}");
        ServiceTables.Result r = build(yaml);
        assertEquals(List.of(ServicePortName.parse("default/kept")), r.table(IpFamily.IPV4).services().stream().map(VirtualService::name).toList());
        assertFalse(one(r, IpFamily.IPV4, "default/kept").hasAnyEndpoints(), "no slices: no endpoints (REJECT)");
        assertEquals(List.of(), r.problems());
    }

    @Test
    void dualStackLoadBalancerExternalIpsAndBadValues() {
        String yaml = "---\napiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: default}\n"
                + "spec: {type: LoadBalancer, clusterIP: 10.96.0.20, clusterIPs: [10.96.0.20, 'fd00:96::20'],"
                + " ipFamilies: [IPv4, IPv6], externalIPs: [192.0.2.7, 10.0.0.300, '2001:db8::7'],"
                + " loadBalancerSourceRanges: [203.0.113.0/24, bogus], externalTrafficPolicy: Local, healthCheckNodePort: 32000,"
                + " sessionAffinity: ClientIP, ports: [{name: https, port: 443, nodePort: 30443}]}\n"
                + "status: {loadBalancer: {ingress: [{ip: 198.51.100.1}, {ip: 198.51.100.2, ipMode: Proxy}, {hostname: lb.example.com}]}}\n"
                + slice("lb-v4", "lb", "IPv4", "[{name: https, port: 8443}]",
                "[{addresses: [10.244.0.27], nodeName: node-a}, {addresses: [10.244.1.5], nodeName: node-b},"
                        + " {addresses: [10.244.0.29], nodeName: node-a, conditions: {ready: false, serving: true, terminating: true}}]")
                + slice("lb-v6", "lb", "IPv6", "[{name: https, port: 8443}]", "[{addresses: ['fd00:244::5'], nodeName: node-b}]");
        ServiceTables.Result r = build(yaml);
        VirtualService v4 = one(r, IpFamily.IPV4, "default/lb:https");
        assertEquals(List.of(IpAddress.parse("192.0.2.7")), v4.externalIps());
        assertEquals(List.of(IpAddress.parse("198.51.100.1")), v4.loadBalancerIps(), "ipMode Proxy and hostnames are not programmed");
        assertEquals(1, v4.loadBalancerSourceRanges().size());
        assertEquals(30443, v4.nodePort());
        assertEquals(TrafficPolicy.LOCAL, v4.externalTrafficPolicy());
        assertEquals(32000, v4.healthCheckNodePort());
        assertEquals(10800, v4.sessionAffinity().timeoutSeconds());
        assertEquals(List.of("10.244.0.27:8443", "10.244.1.5:8443"), ips(v4.clusterEndpoints()), "ETP Local still needs cluster endpoints");
        assertEquals(List.of("10.244.0.27:8443"), ips(v4.localEndpoints()));
        VirtualService v6 = one(r, IpFamily.IPV6, "default/lb:https");
        assertEquals(Optional.of(IpAddress.parse("fd00:96::20")), v6.clusterIp());
        assertEquals(List.of(IpAddress.parse("2001:db8::7")), v6.externalIps());
        assertTrue(v6.localEndpoints().isEmpty());
        assertTrue(v6.hasAnyEndpoints());
        List<String> problems = r.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Service default/lb: invalid externalIP '10.0.0.300' ignored")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Service default/lb: invalid loadBalancerSourceRange 'bogus' ignored")), problems.toString());
    }

    @Test
    void terminatingFallbackAndInternalTrafficPolicyLocal() {
        String yaml = service("itp", "{clusterIP: 10.96.0.30, internalTrafficPolicy: Local, ports: [{port: 80}]}")
                + slice("itp-1", "itp", "IPv4", "[{port: 80}]",
                "[{addresses: [10.244.1.9], nodeName: node-b},"
                        + " {addresses: [10.244.0.9], nodeName: node-a, conditions: {ready: false, serving: true, terminating: true}}]")
                + service("drain", "{clusterIP: 10.96.0.31, ports: [{port: 80}]}")
                + slice("drain-1", "drain", "IPv4", "[{port: 80}]",
                "[{addresses: [10.244.1.1], conditions: {ready: false, serving: true, terminating: true}},"
                        + " {addresses: [10.244.1.2], conditions: {ready: false, serving: false, terminating: true}}]");
        ServiceTables.Result r = build(yaml);
        VirtualService itp = one(r, IpFamily.IPV4, "default/itp");
        assertTrue(itp.clusterEndpoints().isEmpty(), "ITP Local, not externally reachable: no cluster list");
        assertEquals(List.of("10.244.0.9:80"), ips(itp.localEndpoints()), "local serving-terminating fallback");
        VirtualService drain = one(r, IpFamily.IPV4, "default/drain");
        assertEquals(List.of("10.244.1.1:80"), ips(drain.clusterEndpoints()), "no ready endpoint: serving-terminating ones");
    }

    @Test
    void topologyHintsFilterOnlyWhenEveryReadyEndpointHasOne() {
        String node = "---\napiVersion: v1\nkind: Node\nmetadata: {name: node-a, labels: {topology.kubernetes.io/zone: zone-a}}\n"
                + "spec: {podCIDRs: [10.244.0.0/24, 'fd00:244::/64']}\n"
                + "status: {addresses: [{type: InternalIP, address: 192.168.1.10}, {type: Hostname, address: node-a},"
                + " {type: InternalIP, address: 'fd00::10'}]}\n";
        String hinted = service("hinted", "{clusterIP: 10.96.0.40, ports: [{port: 80}]}")
                + slice("hinted-1", "hinted", "IPv4", "[{port: 80}]",
                "[{addresses: [10.244.0.1], hints: {forZones: [{name: zone-a}]}},"
                        + " {addresses: [10.244.1.1], hints: {forZones: [{name: zone-b}]}}]");
        String partly = service("partly", "{clusterIP: 10.96.0.41, ports: [{port: 80}]}")
                + slice("partly-1", "partly", "IPv4", "[{port: 80}]",
                "[{addresses: [10.244.0.2], hints: {forZones: [{name: zone-a}]}}, {addresses: [10.244.1.2]}]");
        ServiceTables.Result r = build(node + hinted + partly);
        assertEquals(List.of("10.244.0.1:80"), ips(one(r, IpFamily.IPV4, "default/hinted").clusterEndpoints()));
        assertEquals(2, one(r, IpFamily.IPV4, "default/partly").clusterEndpoints().size(), "a missing hint disables filtering");
        assertEquals(List.of(IpAddress.parse("192.168.1.10")), r.table(IpFamily.IPV4).nodeIps());
        assertEquals(List.of(IpAddress.parse("fd00::10")), r.table(IpFamily.IPV6).nodeIps());
        assertEquals(List.of(dev.svcproxy.api.net.Cidr.parse("10.244.0.0/24"), dev.svcproxy.api.net.Cidr.parse("fd00:244::/64")),
                r.podCidrs(), "detectLocalMode NodeCIDR reads these");
    }

    @Test
    void listsAndUnreadableDocumentsAreHandledOneByOne() {
        String yaml = "apiVersion: v1\nkind: List\nitems:\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: a, namespace: default}, spec: {clusterIP: 10.96.0.50, ports: [{port: 80}]}}\n"
                + "- {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: default}}\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: bad, namespace: default}, spec: {clusterIP: 10.96.0.51, ports: [{port: 99999}]}}\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: worse, namespace: default}, spec: {clusterIP: 10.96.0.300, ports: [{port: 80}]}}\n";
        ServiceTables.Result r = build(yaml);
        assertEquals(List.of(ServicePortName.parse("default/a")), r.table(IpFamily.IPV4).services().stream().map(VirtualService::name).toList());
        List<String> problems = r.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("ConfigMap default/cm: ignored")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Service default/bad: port 99999") && p.endsWith("(port skipped)")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("Service default/worse:") && p.contains("10.96.0.300")), problems.toString());
        ServiceTables.Result broken = build("kind: Service\nmetadata: {name: x\n");
        assertTrue(broken.problems().get(0).toString().startsWith("Manifests test.yaml: not valid YAML"), broken.problems().toString());
    }

    @Test
    void theSchedulerAnnotationAndTheAnnotationsTravelWithTheService() {
        String yaml = "---\napiVersion: v1\nkind: Service\nmetadata: {name: weighted, namespace: default, annotations:"
                + " {svcproxy.dev/scheduler: prefer-local, example.com/weights: '10.244.0.27=3'}}\n"
                + "spec: {clusterIP: 10.96.0.30, ports: [{port: 80}]}\n" + service("plain", "{clusterIP: 10.96.0.31, ports: [{port: 80}]}");
        ServiceTables.Result r = build(yaml);
        VirtualService w = one(r, IpFamily.IPV4, "default/weighted");
        assertEquals("prefer-local", w.scheduler());
        assertEquals("10.244.0.27=3", w.annotations().get("example.com/weights"));
        assertEquals("random", one(r, IpFamily.IPV4, "default/plain").scheduler(), "kube-proxy's split by default");
    }

    @Test
    void aBadEndpointOrSlicePortCostsOnlyItselfNotTheServicePort() {
        String yaml = service("api", "{clusterIP: 10.101.57.98, ports: [{name: http, port: 80}]}")
                + slice("api-1", "api", "IPv4", "[{name: http, port: 8080}]", "[{addresses: [10.244.0.27]}, {addresses: ['fd00::1']}]")
                + slice("api-2", "api", "IPv4", "[{name: http, port: 99999}]", "[{addresses: [10.244.0.28]}]");
        ServiceTables.Result r = build(yaml);
        VirtualService api = one(r, IpFamily.IPV4, "default/api:http");
        assertEquals(List.of("10.244.0.27:8080"), ips(api.clusterEndpoints()), "the good endpoint of the good slice");
        assertTrue(r.problems().stream().anyMatch(p -> p.toString().equals("EndpointSlice default/api-1: address 'fd00::1' is not of"
                + " the slice's addressType IPv4; endpoint ignored")), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.toString().equals("EndpointSlice default/api-2: port http: invalid port 99999"
                + " (expected 1-65535); this slice's port is skipped")), r.problems().toString());
    }

    private static String numbered(int i, String endpoint) {
        return service("svc-" + i, "{clusterIP: 10.96.0." + i + ", ports: [{name: http, port: 80}]}")
                + slice("svc-" + i + "-1", "svc-" + i, "IPv4", "[{name: http, port: 8080}]", "[{addresses: [" + endpoint + "]}]");
    }

    @Test
    void aBuildThatReusesTheLastTranslationEqualsAFreshOneInContentAndOrder() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            yaml.append(numbered(i, "10.244.0." + i));
        }
        ClusterSnapshot first = ClusterSnapshot.parse(yaml.toString(), "a.yaml");
        dev.svcproxy.k8s.internal.ClusterIndex memo = new dev.svcproxy.k8s.internal.ClusterIndex();
        ServiceTables.Result before = ServiceTables.build(first, "node-a", memo);
        // svc-12's slice changes, svc-5 goes, svc-1a (sorted between svc-19 and svc-2) comes; the other objects stay
        ClusterSnapshot changes = ClusterSnapshot.parse(numbered(12, "10.244.1.12") + service("svc-1a",
                "{clusterIP: 10.96.1.1, ports: [{name: http, port: 80}]}"), "b.yaml");
        List<io.fabric8.kubernetes.api.model.Service> services = new java.util.ArrayList<>(first.objects().services());
        services.removeIf(o -> o.getMetadata().getName().equals("svc-5"));
        services.add(changes.objects().services().get(1));
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice> slices = new java.util.ArrayList<>();
        for (var o : first.objects().endpointSlices()) {
            String name = o.getMetadata().getName();
            slices.add(name.equals("svc-12-1") ? changes.objects().endpointSlices().get(0) : o);
        }
        slices.removeIf(o -> o.getMetadata().getName().equals("svc-5-1"));
        ClusterSnapshot second = ClusterSnapshot.of(new dev.svcproxy.k8s.internal.KubeObjects(services, slices, List.of(), List.of(),
                List.of()));

        ServiceTables.Result reused = ServiceTables.build(second, "node-a", memo);
        ServiceTables.Result fresh = ServiceTables.build(second, "node-a", new dev.svcproxy.k8s.internal.ClusterIndex());
        assertEquals(fresh.table(IpFamily.IPV4).services(), reused.table(IpFamily.IPV4).services(), "the same services in the same order");
        List<String> names = reused.table(IpFamily.IPV4).services().stream().map(v -> v.name().toString()).toList();
        assertEquals(names.stream().sorted().toList(), names, "sorted by name");
        assertTrue(names.contains("default/svc-1a:http") && !names.contains("default/svc-5:http"), names.toString());
        assertEquals(List.of("10.244.1.12:8080"), ips(one(reused, IpFamily.IPV4, "default/svc-12:http").clusterEndpoints()));
        org.junit.jupiter.api.Assertions.assertSame(one(before, IpFamily.IPV4, "default/svc-7:http"),
                one(reused, IpFamily.IPV4, "default/svc-7:http"), "an unchanged Service is not translated again");
    }

    @Test
    void aServiceDefinedTwiceKeepsTheFirstDefinitionAndTheOthersAreProgrammed() {
        String yaml = service("web", "{clusterIP: 10.101.57.97, ports: [{name: http, port: 80}]}")
                + service("web", "{clusterIP: 10.101.57.99, ports: [{name: http, port: 80}]}")
                + service("api", "{clusterIP: 10.101.57.98, ports: [{name: http, port: 80}]}");
        ServiceTables.Result r = build(yaml);
        assertEquals(Optional.of(IpAddress.parse("10.101.57.97")), one(r, IpFamily.IPV4, "default/web:http").clusterIp());
        one(r, IpFamily.IPV4, "default/api:http");
        assertEquals(List.of("Service default/web: defined more than once; the first definition is kept"),
                r.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void aProblemIsReportedOnceWithItsUntrustedTextEscaped() {
        ServiceTables.Result r = build(service("broken", "{clusterIP: 10.101.57.300, ports: [{port: 80}]}")
                + service("\"evil\\nsvcproxy: synced IPv4 (full): 0 services\"", "{clusterIP: 10.101.57.99, ports: [{port: 80}]}"));
        List<String> lines = r.problems().stream().map(Problem::toString).toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("Service default/broken:")).count(), "once, not once per family: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains("\n")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("evil\\nsvcproxy: synced")), lines.toString());
    }

    @Test
    void objectsThatAreNotWhatTheySayAreReportedAndSkippedAndTheOthersProgrammed() {
        String yaml = service("sideways", "{clusterIP: 10.101.57.90, externalTrafficPolicy: Sideways, ports: [{port: 80}]}")
                + service("sometimes", "{clusterIP: 10.101.57.91, sessionAffinity: Sometimes, ports: [{port: 80}]}")
                + service("lower", "{clusterIP: 10.101.57.92, ports: [{name: a, port: 80, protocol: tcp}, {name: b, port: 81}]}")
                + "---\napiVersion: foo.example/v9\nkind: Service\nmetadata: {name: foreign, namespace: default}\n"
                + "spec: {clusterIP: 10.101.57.93, ports: [{port: 80}]}\n"
                + service("web", "{clusterIP: 10.101.57.97, ports: [{name: http, port: 80}]}")
                + slice("web-1", "web", "Bogus", "[{name: http, port: 8080}]", "[{addresses: [10.244.0.27]}]")
                + slice("web-2", "web", "IPv4", "[{name: http, port: 8080}]", "[{addresses: [10.244.0.28]}]");
        ServiceTables.Result r = build(yaml);
        assertEquals(List.of("default/lower:b", "default/web:http"), r.table(IpFamily.IPV4).services().stream()
                .map(VirtualService::name).map(Object::toString).toList());
        assertEquals(List.of("10.244.0.28:8080"), ips(one(r, IpFamily.IPV4, "default/web:http").clusterEndpoints()));
        List<String> lines = r.problems().stream().map(Problem::toString).toList();
        for (String expected : List.of(
                "Service default/sideways: spec.externalTrafficPolicy: unsupported value 'Sideways' (expected Cluster or Local) (service skipped)",
                "Service default/sometimes: spec.sessionAffinity: unsupported value 'Sometimes' (expected None or ClientIP) (service skipped)",
                "Service default/lower: port a: protocol: unsupported value 'tcp' (expected TCP or UDP or SCTP) (port skipped)",
                "Service default/foreign: apiVersion 'foo.example/v9' is not v1, the only one svcproxy reads; skipped (in test.yaml)",
                "EndpointSlice default/web-1: unsupported addressType 'Bogus' (expected IPv4, IPv6 or FQDN); slice ignored")) {
            assertTrue(lines.contains(expected), expected + " in " + lines);
        }
    }

    @Test
    void bothPoliciesLocalOnANodePortKeepTheClusterListForTheShortCircuitRules() {
        ServiceTables.Result r = build(service("both", "{type: NodePort, clusterIP: 10.101.57.120, internalTrafficPolicy: Local,"
                + " externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30120}]}")
                + slice("both-1", "both", "IPv4", "[{port: 80}]", "[{addresses: [10.244.0.27], nodeName: node-a},"
                + " {addresses: [10.244.1.28], nodeName: node-b}]"));
        VirtualService both = one(r, IpFamily.IPV4, "default/both");
        // kube-proxy's UsesClusterEndpoints is true for any externally reachable service: pod and host traffic to the
        // node port goes to the cluster policy chain, which must exist
        assertEquals(List.of("10.244.0.27:80", "10.244.1.28:80"), ips(both.clusterEndpoints()));
        assertEquals(List.of("10.244.0.27:80"), ips(both.localEndpoints()));
    }

    @Test
    void internalTrafficPolicyLocalWithOnlyRemoteEndpointsHasEndpointsButNoLocalOnes() {
        ServiceTables.Result r = build(service("itp", "{clusterIP: 10.101.57.95, internalTrafficPolicy: Local, ports: [{name: http, port: 80}]}")
                + slice("itp-1", "itp", "IPv4", "[{name: http, port: 8080}]", "[{addresses: [10.244.1.5], nodeName: node-b}]"));
        VirtualService itp = one(r, IpFamily.IPV4, "default/itp:http");
        assertTrue(itp.hasAnyEndpoints(), "kube-proxy counts remote endpoints: traffic is dropped, not rejected");
        assertTrue(itp.localEndpoints().isEmpty());
    }

    @Test
    void zeroPaddedAddressesAreReadAsDecimalAsKubeProxysSloppyParserReadsThem() {
        ServiceTables.Result r = build(service("old", "{type: LoadBalancer, clusterIP: 172.30.0.041, externalIPs: [203.0.113.010],"
                + " loadBalancerSourceRanges: [203.0.113.000/025], ports: [{name: http, port: 80, nodePort: 30080}]}")
                + slice("old-1", "old", "IPv4", "[{name: http, port: 8080}]", "[{addresses: [10.244.000.027]}]"));
        VirtualService old = one(r, IpFamily.IPV4, "default/old:http");
        assertEquals("172.30.0.41", old.clusterIp().orElseThrow().toString());
        assertEquals("[203.0.113.10]", old.externalIps().toString());
        assertEquals("[203.0.113.0/25]", old.loadBalancerSourceRanges().toString());
        assertEquals(List.of("10.244.0.27:8080"), ips(old.clusterEndpoints()));
        assertTrue(r.problems().isEmpty(), r.problems().toString());
    }
}
