// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API-server source against fabric8's mock API server in CRUD mode (with watches). */
class KubeApiSourceTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private KubernetesMockServer server;
    private KubernetesClient admin;

    @BeforeEach
    void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        admin = server.createClient();
    }

    @AfterEach
    void stopServer() {
        admin.close();
        server.destroy();
    }

    static Service service(String name, String ip, String... labels) {
        String l = labels.length == 0 ? "" : ", labels: {" + labels[0] + ": x}";
        return YAML.unmarshal("apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default" + l + "}\n"
                + "spec: {clusterIP: " + ip + ", ports: [{name: http, port: 80}]}\n", Service.class);
    }

    static EndpointSlice slice(String service, String... ips) {
        StringBuilder eps = new StringBuilder();
        for (String ip : ips) {
            eps.append(eps.length() == 0 ? "" : ", ").append("{addresses: [").append(ip).append("]}");
        }
        return YAML.unmarshal("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + service
                + "-1, namespace: default, labels: {kubernetes.io/service-name: " + service + "}}\naddressType: IPv4\n"
                + "ports: [{name: http, port: 8080}]\nendpoints: [" + eps + "]\n", EndpointSlice.class);
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        for (int i = 0; i < 100 && !c.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(c.getAsBoolean(), what);
    }

    static List<String> endpoints(KubeApiSource source, String name) {
        return ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().stream()
                .filter(v -> v.name().name().equals(name)).findFirst().map(VirtualService::clusterEndpoints).orElse(List.of())
                .stream().map(Endpoint::toString).toList();
    }

    @Test
    void followsCreatesUpdatesAndDeletesWithKubeProxysSelectors() throws Exception {
        admin.services().inNamespace("default").resource(service("web", "10.96.0.10")).create();
        admin.services().inNamespace("default").resource(service("other", "10.96.0.11", "service.kubernetes.io/service-proxy-name")).create();
        admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("web", "10.244.0.27")).create();
        AtomicInteger changes = new AtomicInteger();
        try (KubeApiSource source = KubeApiSource.start(server.createClient(), "node-a", Duration.ofMinutes(15), changes::incrementAndGet)) {
            assertTrue(source.awaitSynced(Duration.ofSeconds(10)));
            assertEquals(List.of("10.244.0.27:8080"), endpoints(source, "web"));
            assertTrue(ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().stream()
                    .noneMatch(v -> v.name().name().equals("other")), "another proxy's service is not watched");
            int seen = changes.get();
            admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("web", "10.244.0.27", "10.244.0.28")).update();
            await(() -> endpoints(source, "web").size() == 2, "the new endpoint arrives");
            // the informer stores the object before it calls the handlers, on another thread: wait for the call
            await(() -> changes.get() > seen, "each change calls the listener");
            admin.services().inNamespace("default").withName("web").delete();
            await(() -> endpoints(source, "web").isEmpty()
                    && ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().isEmpty(), "deleted");
        }
    }

    @Test
    void aReadHandsOverOnlyTheObjectsThatChangedAndEqualsAFullTranslation() throws Exception {
        List<String> names = List.of("web", "api", "db");
        for (int i = 0; i < names.size(); i++) {
            admin.services().inNamespace("default").resource(service(names.get(i), "10.96.0." + (10 + i))).create();
            admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice(names.get(i), "10.244.0.27")).create();
        }
        try (KubeApiSource source = KubeApiSource.start(server.createClient(), "node-a", Duration.ofMinutes(15), () -> { })) {
            assertTrue(source.awaitSynced(Duration.ofSeconds(10)));
            dev.svcproxy.k8s.internal.ClusterIndex index = new dev.svcproxy.k8s.internal.ClusterIndex();
            assertEquals(6, source.applyChanges(index), "the first read takes the whole list");
            ServiceTables.Result first = ServiceTables.build(index, source.nodes(), source.serviceCidrs(), new java.util.ArrayList<>(), "node-a");
            admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("api", "10.244.0.27", "10.244.0.28")).update();
            int handed = 0;
            ServiceTables.Result next = first;
            for (int i = 0; i < 100 && one(next, "api").clusterEndpoints().size() < 2; i++) {
                Thread.sleep(50);
                handed += source.applyChanges(index);
                next = ServiceTables.build(index, source.nodes(), source.serviceCidrs(), new java.util.ArrayList<>(), "node-a");
            }
            assertEquals(List.of("10.244.0.27:8080", "10.244.0.28:8080"), one(next, "api").clusterEndpoints().stream()
                    .map(Endpoint::toString).toList());
            assertEquals(1, handed, "one slice changed: one object handed over");
            assertSame(one(first, "web"), one(next, "web"), "the Services that did not change are not translated again");
            assertEquals(ServiceTables.build(source.snapshot(), "node-a").tables(), next.tables(), "as a translation of everything");

            admin.services().inNamespace("default").withName("db").delete();
            await(() -> {
                source.applyChanges(index);
                return ServiceTables.build(index, source.nodes(), source.serviceCidrs(), new java.util.ArrayList<>(), "node-a")
                        .table(IpFamily.IPV4).services().size() == 2;
            }, "a deleted Service is handed over as gone");
        }
    }

    private static VirtualService one(ServiceTables.Result r, String name) {
        return r.table(IpFamily.IPV4).services().stream().filter(v -> v.name().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theInformersKeepServicesAndSlicesTrimmedAfterAListAndAnUpdate() throws Exception {
        admin.services().inNamespace("default").resource(service("web", "10.96.0.10")).create();
        admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("web", "10.244.0.27")).create();
        try (KubeApiSource source = KubeApiSource.start(server.createClient(), "node-a", Duration.ofMinutes(15), () -> { })) {
            assertTrue(source.awaitSynced(Duration.ofSeconds(10)));
            Service listed = source.snapshot().objects().services().get(0);
            assertSame(Collections.emptyMap(), listed.getMetadata().getAnnotations());
            assertSame(Collections.emptyMap(), listed.getSpec().getAdditionalProperties());
            admin.discovery().v1().endpointSlices().inNamespace("default").resource(slice("web", "10.244.0.27", "10.244.0.28")).update();
            await(() -> endpoints(source, "web").size() == 2, "the new endpoint arrives");
            EndpointSlice updated = source.snapshot().objects().endpointSlices().get(0);
            assertSame(Collections.emptyMap(), updated.getEndpoints().get(1).getDeprecatedTopology());
            assertEquals(List.of("10.244.0.28"), updated.getEndpoints().get(1).getAddresses());
        }
    }

    @Test
    void reconnectsAfterTheApiServerRestarts() throws Exception {
        admin.services().inNamespace("default").resource(service("web", "10.96.0.10")).create();
        try (KubeApiSource source = KubeApiSource.start(server.createClient(), "node-a", Duration.ofMinutes(15), () -> { })) {
            assertTrue(source.awaitSynced(Duration.ofSeconds(10)));
            int port = server.getPort();
            admin.close();
            server.destroy();
            assertEquals(1, ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().size(),
                    "while the API server is gone, the last known state stays");
            // the same address comes back (an empty store: a restarted API server without etcd's data)
            server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
            server.init(java.net.InetAddress.getByName("localhost"), port);
            admin = server.createClient();
            admin.services().inNamespace("default").resource(service("api", "10.96.0.20")).create();
            for (int i = 0; i < 600 && missing(source, "api"); i++) { // at most 60 s of the informers' back-off
                Thread.sleep(100);
            }
            assertTrue(ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().stream()
                    .anyMatch(v -> v.name().name().equals("api")), "the informers re-listed and watch again");
        }
    }

    @Test
    void skippedObjectsBecomeOneWarningEventEachRegardingTheObject() throws Exception {
        try (KubeApiSource source = KubeApiSource.start(server.createClient(), "node-a", Duration.ofMinutes(15), () -> { })) {
            Problem bad = new Problem("Service", "shop/broken", "invalid clusterIP '10.96.0.300'");
            java.util.List<String> failures = new java.util.ArrayList<>();
            try (ProblemEvents events = source.problemEvents("svcproxy-node-a", failures::add)) {
                events.report(List.of(bad));
                events.report(List.of(bad)); // the next sync: the same problem, no second event
            }
            var list = admin.events().v1().events().inNamespace("shop").list().getItems();
            assertEquals(1, list.size(), list.toString());
            var e = list.get(0);
            assertEquals("Warning", e.getType());
            assertEquals(ProblemEvents.REASON, e.getReason());
            assertEquals("invalid clusterIP '10.96.0.300'", e.getNote());
            assertEquals("svcproxy-node-a", e.getReportingInstance());
            assertEquals("Service", e.getRegarding().getKind());
            assertEquals("broken", e.getRegarding().getName());
            assertEquals("shop", e.getRegarding().getNamespace());
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }

    private static boolean missing(KubeApiSource source, String name) {
        return ServiceTables.build(source.snapshot(), "node-a").table(IpFamily.IPV4).services().stream()
                .noneMatch(v -> v.name().name().equals(name));
    }
}
