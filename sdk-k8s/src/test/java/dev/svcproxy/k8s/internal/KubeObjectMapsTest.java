// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Objects built from a document's maps equal what Jackson (fabric8's {@code KubernetesSerialization}, as
 * {@link ManifestReader} used it) makes of the same maps; a document with anything else is left to Jackson.
 */
class KubeObjectMapsTest {
    private static final KubernetesSerialization JACKSON = new KubernetesSerialization();

    /** Every field {@link KubeObjectMaps} builds, as {@code kubectl get -o yaml} prints a Service. */
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              annotations: {example.com/owner: team-a}
              creationTimestamp: "2026-11-30T10:00:00Z"
              deletionTimestamp: null
              finalizers: [service.kubernetes.io/load-balancer-cleanup]
              generateName: web-
              generation: 3
              labels: {app: web}
              name: web
              namespace: shop
              ownerReferences:
              - {apiVersion: v1, kind: ConfigMap, name: owner, uid: u-1, controller: true, blockOwnerDeletion: false}
              resourceVersion: "123"
              uid: 5b1c2e1a-0000-4000-8000-000000000001
            spec:
              allocateLoadBalancerNodePorts: true
              clusterIP: 10.96.0.10
              clusterIPs: [10.96.0.10, fd00::10]
              externalIPs: [192.0.2.1]
              externalName: null
              externalTrafficPolicy: Local
              healthCheckNodePort: 30999
              internalTrafficPolicy: Cluster
              ipFamilies: [IPv4, IPv6]
              ipFamilyPolicy: PreferDualStack
              loadBalancerClass: example.com/lb
              loadBalancerIP: 192.0.2.10
              loadBalancerSourceRanges: [10.0.0.0/8]
              ports:
              - {name: http, port: 80, protocol: TCP, targetPort: 8080, nodePort: 30080, appProtocol: http}
              - {name: dns, port: 53, protocol: UDP, targetPort: dns}
              - {name: quoted, port: 81, targetPort: "8081"}
              publishNotReadyAddresses: false
              selector: {app: web}
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
              trafficDistribution: PreferClose
              type: LoadBalancer
            status:
              loadBalancer:
                ingress:
                - {ip: 192.0.2.10, ipMode: VIP, ports: [{port: 80, protocol: TCP, error: null}]}
                - {hostname: lb.example.com}
            """;

    /** Every field {@link KubeObjectMaps} builds, as {@code kubectl get -o yaml} prints an EndpointSlice. */
    private static final String SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              annotations: {endpoints.kubernetes.io/last-change-trigger-time: "2026-11-30T10:00:00Z"}
              generateName: web-
              generation: 7
              labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
              name: web-abcde
              namespace: shop
              ownerReferences:
              - {apiVersion: v1, kind: Service, name: web, uid: u-2, controller: true, blockOwnerDeletion: true}
            addressType: IPv4
            ports:
            - {name: http, port: 8080, protocol: TCP, appProtocol: http}
            - {name: null, port: null, protocol: UDP}
            endpoints:
            - addresses: [10.0.0.1]
              conditions: {ready: true, serving: true, terminating: false}
              nodeName: node-a
              zone: zone-a
              hostname: web-0
              hints: {forZones: [{name: zone-a}], forNodes: [{name: node-a}]}
              targetRef: {kind: Pod, name: web-0, namespace: shop, uid: u-3, apiVersion: v1, resourceVersion: "9", fieldPath: spec}
              deprecatedTopology: {rack: r1}
            - addresses: [10.0.0.2, 10.0.0.3]
              conditions: {}
            """;

    @Test
    void aServiceWithEveryFieldItBuildsEqualsJacksons() {
        Map<?, ?> doc = document(SERVICE);
        Optional<Service> built = KubeObjectMaps.service(doc);
        assertTrue(built.isPresent(), "built without Jackson");
        assertEquals(JACKSON.convertValue(doc, Service.class), built.get());
        assertEquals(8080, built.get().getSpec().getPorts().get(0).getTargetPort().getIntVal());
        assertEquals("8081", built.get().getSpec().getPorts().get(2).getTargetPort().getStrVal());
    }

    @Test
    void anEndpointSliceWithEveryFieldItBuildsEqualsJacksons() {
        Map<?, ?> doc = document(SLICE);
        Optional<EndpointSlice> built = KubeObjectMaps.endpointSlice(doc);
        assertTrue(built.isPresent(), "built without Jackson");
        assertEquals(JACKSON.convertValue(doc, EndpointSlice.class), built.get());
    }

    @Test
    void minimalAndNullFieldsEqualJacksons() {
        for (String yaml : new String[] {
            "apiVersion: v1\nkind: Service\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {}\n",
            "apiVersion: v1\nkind: Service\nmetadata: null\nspec: null\nstatus: null\n",
            "apiVersion: v1\nkind: Service\nmetadata: {labels: null, annotations: {}}\nspec: {ports: null, clusterIPs: [], selector: null}\n",
            "apiVersion: v1\nkind: Service\nspec: {ports: [{port: 80, targetPort: null}], sessionAffinityConfig: {clientIP: {}}}\n",
        }) {
            Map<?, ?> doc = document(yaml);
            assertEquals(JACKSON.convertValue(doc, Service.class), KubeObjectMaps.service(doc).orElseThrow(), yaml);
        }
        for (String yaml : new String[] {
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\naddressType: IPv6\nendpoints: null\nports: null\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nendpoints: [{addresses: [], conditions: null, hints: {}}]\n",
        }) {
            Map<?, ?> doc = document(yaml);
            assertEquals(JACKSON.convertValue(doc, EndpointSlice.class), KubeObjectMaps.endpointSlice(doc).orElseThrow(), yaml);
        }
    }

    /**
     * Fields it does not build and values of another type (which Jackson coerces, keeps as unknown fields, or
     * refuses) give nothing; {@link ManifestReader} then reads them with Jackson, as before.
     */
    @Test
    void anyOtherFieldOrTypeIsLeftToJackson() {
        for (String yaml : new String[] {
            "apiVersion: v1\nkind: Service\nextra: kept\n",
            "apiVersion: v1\nkind: Service\nspec: {clusterIP: 10.96.0.1, extra: kept}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a, managedFields: [{manager: kubectl}]}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: 7}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {labels: {a: 1}}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {labels: {a: null}}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {deletionGracePeriodSeconds: 30}\n",
            "apiVersion: v1\nkind: Service\nspec: {ports: [{port: \"80\"}]}\n",
            "apiVersion: v1\nkind: Service\nspec: {ports: [null]}\n",
            "apiVersion: v1\nkind: Service\nspec: {ports: {port: 80}}\n",
            "apiVersion: v1\nkind: Service\nspec: {ports: [{port: 80, targetPort: 1.5}]}\n",
            "apiVersion: v1\nkind: Service\nspec: {clusterIPs: [10.96.0.1, 7]}\n",
            "apiVersion: v1\nkind: Service\nspec: {publishNotReadyAddresses: \"true\"}\n",
            "apiVersion: v1\nkind: Service\nspec: {healthCheckNodePort: 4294967296}\n",
            "apiVersion: v1\nkind: Service\nstatus: {conditions: []}\n",
            "apiVersion: v1\nkind: Service\n7: seven\n",
        }) {
            assertEquals(Optional.empty(), KubeObjectMaps.service(document(yaml)), yaml);
        }
        for (String yaml : new String[] {
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nextra: kept\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nendpoints: [{addresses: [10.0.0.1], extra: 1}]\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nendpoints: [{conditions: {ready: \"yes\"}}]\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nendpoints: [{hints: {forZones: [{name: a, weight: 1}]}}]\n",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nports: [{port: 80, extra: 1}]\n",
        }) {
            assertEquals(Optional.empty(), KubeObjectMaps.endpointSlice(document(yaml)), yaml);
        }
    }

    /** Through the reader: a document left to Jackson reads as before, unknown fields kept. */
    @Test
    void theReaderReadsADocumentLeftToJacksonAsBefore() {
        String yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: b}\nspec: {clusterIP: 10.96.0.1, extra: kept}\n"
                + "---\n" + SERVICE + "---\n" + SLICE;
        var read = ManifestReader.parse(yaml, "test.yaml");
        assertEquals(Map.of("extra", "kept"), read.services().get(0).getSpec().getAdditionalProperties());
        assertEquals(KubeObjectTrim.service(JACKSON.convertValue(document(SERVICE), Service.class)), read.services().get(1));
        assertEquals(KubeObjectTrim.endpointSlice(JACKSON.convertValue(document(SLICE), EndpointSlice.class)), read.endpointSlices().get(0));
        assertEquals(java.util.List.of(), read.problems());
    }

    private static Map<?, ?> document(String yaml) {
        return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }
}
