// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The index a source keeps up to date one object at a time, against a translation from scratch of the same objects. */
class ClusterIndexTest {

    private static Service service(String name, String ip) {
        return ManifestReader.parse("apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: default}\n"
                + "spec: {clusterIP: " + ip + ", ports: [{name: http, port: 80}]}\n", "t").services().get(0);
    }

    private static EndpointSlice slice(String name, String service, String trigger, String... endpoints) {
        StringBuilder eps = new StringBuilder();
        for (String e : endpoints) {
            eps.append(eps.length() == 0 ? "" : ", ").append(e);
        }
        String annotations = trigger == null ? "" : ", annotations: {endpoints.kubernetes.io/last-change-trigger-time: '" + trigger + "'}";
        return ManifestReader.parse("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: " + name
                + ", namespace: default, labels: {kubernetes.io/service-name: " + service + "}" + annotations + "}\n"
                + "addressType: IPv4\nports: [{name: http, port: 8080}]\nendpoints: [" + eps + "]\n", "t").endpointSlices().get(0);
    }

    private static KubeObjects.Key key(String name) {
        return new KubeObjects.Key("default", name);
    }

    private static VirtualService one(ClusterIndex.Translation t, String service) {
        return t.services().get(IpFamily.IPV4).stream().filter(v -> v.name().name().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " not in " + t.services()));
    }

    private static List<String> endpoints(VirtualService v) {
        return v.clusterEndpoints().stream().map(Endpoint::toString).toList();
    }

    /** The same objects translated from scratch, handed over in the order given. */
    private static ClusterIndex.Translation fresh(List<Service> services, List<EndpointSlice> slices) {
        ClusterIndex index = new ClusterIndex();
        index.replaceAll(services, slices, new ArrayList<>());
        return index.translate("node-a", Optional.empty());
    }

    @Test
    void aChangeTranslatesOnlyItsServiceAndEqualsATranslationFromScratch() {
        ClusterIndex index = new ClusterIndex();
        Service web = service("web", "10.96.0.10");
        Service api = service("api", "10.96.0.11");
        EndpointSlice web1 = slice("web-1", "web", null, "{addresses: [10.244.0.1]}");
        EndpointSlice api1 = slice("api-1", "api", null, "{addresses: [10.244.0.2]}");
        index.service(key("web"), web);
        index.service(key("api"), api);
        index.slice(key("web-1"), web1);
        index.slice(key("api-1"), api1);
        ClusterIndex.Translation first = index.translate("node-a", Optional.empty());

        ClusterIndex.Translation again = index.translate("node-a", Optional.empty());
        assertSame(first.services().get(IpFamily.IPV4), again.services().get(IpFamily.IPV4), "nothing changed: the very same list");
        index.service(key("web"), web); // the same object handed over again
        assertSame(first.services().get(IpFamily.IPV4), index.translate("node-a", Optional.empty()).services().get(IpFamily.IPV4));

        EndpointSlice web2 = slice("web-2", "web", null, "{addresses: [10.244.0.3]}");
        Service cache = service("cache", "10.96.0.12");
        index.slice(key("web-2"), web2);
        index.service(key("api"), null);
        index.service(key("cache"), cache);
        ClusterIndex.Translation next = index.translate("node-a", Optional.empty());
        assertEquals(List.of("10.244.0.1:8080", "10.244.0.3:8080"), endpoints(one(next, "web")));
        assertEquals(fresh(List.of(web, cache), List.of(api1, web1, web2)).services(), next.services(),
                "the same ports, in the same order, as from scratch");
        assertEquals(List.of("default/cache:http", "default/web:http"),
                next.services().get(IpFamily.IPV4).stream().map(v -> v.name().toString()).toList());
        assertNotSame(one(first, "web"), one(next, "web"), "its slices changed: translated again");

        index.slice(key("web-2"), null);
        ClusterIndex.Translation after = index.translate("node-a", Optional.empty());
        assertSame(one(next, "cache"), one(after, "cache"), "an unchanged Service is not translated again");
        assertEquals(List.of("10.244.0.1:8080"), endpoints(one(after, "web")));
    }

    @Test
    void aSliceRelabelledToAnotherServiceLeavesTheFirstAndJoinsTheSecond() {
        ClusterIndex index = new ClusterIndex();
        index.service(key("web"), service("web", "10.96.0.10"));
        index.service(key("api"), service("api", "10.96.0.11"));
        index.slice(key("s"), slice("s", "web", null, "{addresses: [10.244.0.1]}"));
        assertEquals(List.of("10.244.0.1:8080"), endpoints(one(index.translate("node-a", Optional.empty()), "web")));
        index.slice(key("s"), slice("s", "api", null, "{addresses: [10.244.0.1]}"));
        ClusterIndex.Translation t = index.translate("node-a", Optional.empty());
        assertEquals(List.of(), endpoints(one(t, "web")));
        assertEquals(List.of("10.244.0.1:8080"), endpoints(one(t, "api")));
    }

    @Test
    void theOrderTheSlicesCameInChangesNothing() {
        Service web = service("web", "10.96.0.10");
        // the same endpoint in both slices, ready in one only: which one is kept must not depend on the arrival order
        EndpointSlice a = slice("web-a", "web", null, "{addresses: [10.244.0.1], conditions: {ready: false}}");
        EndpointSlice b = slice("web-b", "web", null, "{addresses: [10.244.0.1]}");
        ClusterIndex index = new ClusterIndex();
        index.service(key("web"), web);
        index.slice(key("web-b"), b);
        index.slice(key("web-a"), a);
        assertEquals(fresh(List.of(web), List.of(a, b)).services(), index.translate("node-a", Optional.empty()).services());
        assertEquals(fresh(List.of(web), List.of(a, b)).services(), fresh(List.of(web), List.of(b, a)).services());
    }

    @Test
    void aNewZoneTranslatesEverythingAgain() {
        ClusterIndex index = new ClusterIndex();
        index.service(key("web"), service("web", "10.96.0.10"));
        VirtualService before = one(index.translate("node-a", Optional.of("z1")), "web");
        assertSame(before, one(index.translate("node-a", Optional.of("z1")), "web"));
        assertNotSame(before, one(index.translate("node-a", Optional.of("z2")), "web"));
    }

    @Test
    void triggerTimesFollowTheSlicesAndObjectsWithoutANameAreReported() {
        ClusterIndex index = new ClusterIndex();
        index.slice(key("web-1"), slice("web-1", "web", "2026-12-02T08:00:00Z"));
        index.slice(key("web-2"), slice("web-2", "web", "2026-12-02T08:00:05Z"));
        assertEquals(java.util.Map.of("default/web", Instant.parse("2026-12-02T08:00:05Z")),
                index.translate("node-a", Optional.empty()).triggers());
        index.slice(key("web-2"), null);
        assertEquals(java.util.Map.of("default/web", Instant.parse("2026-12-02T08:00:00Z")),
                index.translate("node-a", Optional.empty()).triggers());

        Service nameless = service("x", "10.96.0.13");
        nameless.getMetadata().setName(null);
        List<Problem> problems = new ArrayList<>();
        index.replaceAll(List.of(nameless, service("web", "10.96.0.10")), List.of(), problems);
        assertEquals(List.of("Service (no name): has no metadata.name; ignored"), problems.stream().map(Problem::toString).toList());
        ClusterIndex.Translation t = index.translate("node-a", Optional.empty());
        assertEquals(List.of("default/web:http"), t.services().get(IpFamily.IPV4).stream().map(v -> v.name().toString()).toList());
        assertTrue(t.triggers().isEmpty(), "the slices are gone with the whole list replaced: " + t.triggers());
    }
}
