// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trimmed objects equal what Jackson made, and hold no collection of their own for an empty one. */
class KubeObjectTrimTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop, labels: {app: web}}
            spec:
              clusterIP: 10.96.0.10
              ports: [{name: http, port: 80}, {name: https, port: 443}]
              externalIPs: [192.0.2.1]
              extra: kept
            """;

    private static final String SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-x, namespace: shop, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080}]
            endpoints:
            - addresses: [10.0.0.1]
              conditions: {ready: true}
            - addresses: [10.0.0.2]
              deprecatedTopology: {rack: r1}
            """;

    @Test
    void aTrimmedServiceEqualsTheOneReadAndSharesEmptyCollections() {
        Service read = SERIALIZATION.unmarshal(SERVICE, Service.class);
        Service trimmed = KubeObjectTrim.service(SERIALIZATION.unmarshal(SERVICE, Service.class));
        assertEquals(read, trimmed);
        assertEquals(Map.of("extra", "kept"), trimmed.getSpec().getAdditionalProperties(), "unknown fields stay");
        assertSame(Collections.emptyMap(), trimmed.getAdditionalProperties());
        assertSame(Collections.emptyMap(), trimmed.getMetadata().getAnnotations());
        assertSame(Collections.emptyMap(), trimmed.getSpec().getSelector());
        assertSame(Collections.emptyList(), trimmed.getMetadata().getFinalizers());
        assertSame(Collections.emptyList(), trimmed.getSpec().getLoadBalancerSourceRanges());
        assertEquals(Collections.singletonList("192.0.2.1").getClass(), trimmed.getSpec().getExternalIPs().getClass());
        assertEquals(List.of(80, 443), trimmed.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
        assertSame(Collections.emptyMap(), trimmed.getSpec().getPorts().get(1).getAdditionalProperties());
    }

    @Test
    void aTrimmedSliceEqualsTheOneReadAndItsEndpointsHoldOnlyWhatTheyHave() {
        EndpointSlice read = SERIALIZATION.unmarshal(SLICE, EndpointSlice.class);
        EndpointSlice trimmed = KubeObjectTrim.endpointSlice(SERIALIZATION.unmarshal(SLICE, EndpointSlice.class));
        assertEquals(read, trimmed);
        Endpoint first = trimmed.getEndpoints().get(0);
        assertEquals(List.of("10.0.0.1"), first.getAddresses());
        assertEquals(Collections.singletonList("").getClass(), first.getAddresses().getClass());
        assertSame(Collections.emptyMap(), first.getDeprecatedTopology());
        assertSame(Collections.emptyMap(), first.getAdditionalProperties());
        assertSame(Collections.emptyMap(), first.getConditions().getAdditionalProperties());
        assertEquals(true, first.getConditions().getReady());
        assertEquals(Map.of("rack", "r1"), trimmed.getEndpoints().get(1).getDeprecatedTopology());
    }

    @Test
    void anExplicitNullStaysNull() {
        Service s = SERIALIZATION.unmarshal("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: null}\n", Service.class);
        assertNull(KubeObjectTrim.service(s).getSpec().getPorts());
    }
}
