// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds Services (v1) and EndpointSlices (discovery.k8s.io/v1) straight from a parsed YAML document's maps, with
 * fabric8's setters, for the fields a manifest of them usually holds (those {@code kubectl get -o yaml} prints,
 * except {@code managedFields} and status conditions). It gives exactly the object Jackson would
 * ({@code KubeObjectMapsTest} compares them), without Jackson's cost: 0.4-0.5 s to make its mapper and about as much
 * to build its deserializers for these two types, on the first read of a cold proxy. A document holding any other
 * field, or a value of another type than the field's (a number where text is expected, say, which Jackson would
 * coerce), gives nothing, and is left to Jackson.
 */
public final class KubeObjectMaps {
    private KubeObjectMaps() {
    }

    /** Thrown inside when a document holds what this class does not build; no stack trace (it is not an error). */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    /**
     * The Service {@code document} describes.
     *
     * @param document a parsed YAML document of kind Service
     * @return the Service, or empty if the document holds a field or a value this class leaves to Jackson
     */
    public static Optional<Service> service(Map<?, ?> document) {
        try {
            return Optional.of(object(document, Service::new, (s, k, v) -> {
                switch (k) {
                    case "apiVersion" -> s.setApiVersion(string(v));
                    case "kind" -> s.setKind(string(v));
                    case "metadata" -> s.setMetadata(meta(v));
                    case "spec" -> s.setSpec(object(v, ServiceSpec::new, KubeObjectMaps::serviceSpec));
                    case "status" -> s.setStatus(object(v, ServiceStatus::new, (t, k2, v2) -> {
                        if (!k2.equals("loadBalancer")) {
                            throw NOT_PLAIN;
                        }
                        t.setLoadBalancer(object(v2, LoadBalancerStatus::new, (l, k3, v3) -> {
                            if (!k3.equals("ingress")) {
                                throw NOT_PLAIN;
                            }
                            l.setIngress(list(v3, KubeObjectMaps::ingress));
                        }));
                    }));
                    default -> throw NOT_PLAIN;
                }
            }));
        } catch (NotPlain e) {
            return Optional.empty();
        }
    }

    /**
     * The EndpointSlice {@code document} describes.
     *
     * @param document a parsed YAML document of kind EndpointSlice
     * @return the EndpointSlice, or empty if the document holds a field or a value this class leaves to Jackson
     */
    public static Optional<EndpointSlice> endpointSlice(Map<?, ?> document) {
        try {
            return Optional.of(object(document, EndpointSlice::new, (s, k, v) -> {
                switch (k) {
                    case "apiVersion" -> s.setApiVersion(string(v));
                    case "kind" -> s.setKind(string(v));
                    case "metadata" -> s.setMetadata(meta(v));
                    case "addressType" -> s.setAddressType(string(v));
                    case "endpoints" -> s.setEndpoints(list(v, KubeObjectMaps::endpoint));
                    case "ports" -> s.setPorts(list(v, p -> object(p, EndpointPort::new, (t, k2, v2) -> {
                        switch (k2) {
                            case "name" -> t.setName(string(v2));
                            case "port" -> t.setPort(integer(v2));
                            case "protocol" -> t.setProtocol(string(v2));
                            case "appProtocol" -> t.setAppProtocol(string(v2));
                            default -> throw NOT_PLAIN;
                        }
                    })));
                    default -> throw NOT_PLAIN;
                }
            }));
        } catch (NotPlain e) {
            return Optional.empty();
        }
    }

    private static void serviceSpec(ServiceSpec s, String k, Object v) {
        switch (k) {
            case "type" -> s.setType(string(v));
            case "clusterIP" -> s.setClusterIP(string(v));
            case "clusterIPs" -> s.setClusterIPs(list(v, KubeObjectMaps::text));
            case "ipFamilies" -> s.setIpFamilies(list(v, KubeObjectMaps::text));
            case "ipFamilyPolicy" -> s.setIpFamilyPolicy(string(v));
            case "ports" -> s.setPorts(list(v, p -> object(p, ServicePort::new, KubeObjectMaps::servicePort)));
            case "selector" -> s.setSelector(strings(v));
            case "sessionAffinity" -> s.setSessionAffinity(string(v));
            case "sessionAffinityConfig" -> s.setSessionAffinityConfig(object(v, SessionAffinityConfig::new, (c, k2, v2) -> {
                if (!k2.equals("clientIP")) {
                    throw NOT_PLAIN;
                }
                c.setClientIP(object(v2, ClientIPConfig::new, (ip, k3, v3) -> {
                    if (!k3.equals("timeoutSeconds")) {
                        throw NOT_PLAIN;
                    }
                    ip.setTimeoutSeconds(integer(v3));
                }));
            }));
            case "externalIPs" -> s.setExternalIPs(list(v, KubeObjectMaps::text));
            case "externalName" -> s.setExternalName(string(v));
            case "externalTrafficPolicy" -> s.setExternalTrafficPolicy(string(v));
            case "internalTrafficPolicy" -> s.setInternalTrafficPolicy(string(v));
            case "healthCheckNodePort" -> s.setHealthCheckNodePort(integer(v));
            case "loadBalancerIP" -> s.setLoadBalancerIP(string(v));
            case "loadBalancerSourceRanges" -> s.setLoadBalancerSourceRanges(list(v, KubeObjectMaps::text));
            case "loadBalancerClass" -> s.setLoadBalancerClass(string(v));
            case "allocateLoadBalancerNodePorts" -> s.setAllocateLoadBalancerNodePorts(bool(v));
            case "publishNotReadyAddresses" -> s.setPublishNotReadyAddresses(bool(v));
            case "trafficDistribution" -> s.setTrafficDistribution(string(v));
            default -> throw NOT_PLAIN;
        }
    }

    private static void servicePort(ServicePort p, String k, Object v) {
        switch (k) {
            case "name" -> p.setName(string(v));
            case "protocol" -> p.setProtocol(string(v));
            case "port" -> p.setPort(integer(v));
            case "targetPort" -> p.setTargetPort(v == null ? null : new IntOrString(v instanceof Integer || v instanceof String ? v : notPlain()));
            case "nodePort" -> p.setNodePort(integer(v));
            case "appProtocol" -> p.setAppProtocol(string(v));
            default -> throw NOT_PLAIN;
        }
    }

    private static LoadBalancerIngress ingress(Object v) {
        return object(v, LoadBalancerIngress::new, (i, k, x) -> {
            switch (k) {
                case "ip" -> i.setIp(string(x));
                case "hostname" -> i.setHostname(string(x));
                case "ipMode" -> i.setIpMode(string(x));
                case "ports" -> i.setPorts(list(x, p -> object(p, PortStatus::new, (t, k2, v2) -> {
                    switch (k2) {
                        case "port" -> t.setPort(integer(v2));
                        case "protocol" -> t.setProtocol(string(v2));
                        case "error" -> t.setError(string(v2));
                        default -> throw NOT_PLAIN;
                    }
                })));
                default -> throw NOT_PLAIN;
            }
        });
    }

    private static Endpoint endpoint(Object v) {
        return object(v, Endpoint::new, (e, k, x) -> {
            switch (k) {
                case "addresses" -> e.setAddresses(list(x, KubeObjectMaps::text));
                case "conditions" -> e.setConditions(object(x, EndpointConditions::new, (c, k2, v2) -> {
                    switch (k2) {
                        case "ready" -> c.setReady(bool(v2));
                        case "serving" -> c.setServing(bool(v2));
                        case "terminating" -> c.setTerminating(bool(v2));
                        default -> throw NOT_PLAIN;
                    }
                }));
                case "nodeName" -> e.setNodeName(string(x));
                case "zone" -> e.setZone(string(x));
                case "hostname" -> e.setHostname(string(x));
                case "hints" -> e.setHints(object(x, EndpointHints::new, (h, k2, v2) -> {
                    switch (k2) {
                        case "forZones" -> h.setForZones(list(v2, z -> object(z, ForZone::new, (f, k3, v3) -> f.setName(name(k3, v3)))));
                        case "forNodes" -> h.setForNodes(list(v2, n -> object(n, ForNode::new, (f, k3, v3) -> f.setName(name(k3, v3)))));
                        default -> throw NOT_PLAIN;
                    }
                }));
                case "targetRef" -> e.setTargetRef(object(x, ObjectReference::new, (r, k2, v2) -> {
                    switch (k2) {
                        case "kind" -> r.setKind(string(v2));
                        case "name" -> r.setName(string(v2));
                        case "namespace" -> r.setNamespace(string(v2));
                        case "uid" -> r.setUid(string(v2));
                        case "apiVersion" -> r.setApiVersion(string(v2));
                        case "resourceVersion" -> r.setResourceVersion(string(v2));
                        case "fieldPath" -> r.setFieldPath(string(v2));
                        default -> throw NOT_PLAIN;
                    }
                }));
                case "deprecatedTopology" -> e.setDeprecatedTopology(strings(x));
                default -> throw NOT_PLAIN;
            }
        });
    }

    /** The value of a hint's only field, {@code name}. */
    private static String name(String k, Object v) {
        if (!k.equals("name")) {
            throw NOT_PLAIN;
        }
        return string(v);
    }

    private static ObjectMeta meta(Object v) {
        return object(v, ObjectMeta::new, (m, k, x) -> {
            switch (k) {
                case "name" -> m.setName(string(x));
                case "namespace" -> m.setNamespace(string(x));
                case "labels" -> m.setLabels(strings(x));
                case "annotations" -> m.setAnnotations(strings(x));
                case "uid" -> m.setUid(string(x));
                case "resourceVersion" -> m.setResourceVersion(string(x));
                case "generation" -> m.setGeneration(x == null ? null : x instanceof Integer i ? Long.valueOf(i) : x instanceof Long l ? l : notPlain());
                case "creationTimestamp" -> m.setCreationTimestamp(string(x));
                case "deletionTimestamp" -> m.setDeletionTimestamp(string(x));
                case "generateName" -> m.setGenerateName(string(x));
                case "finalizers" -> m.setFinalizers(list(x, KubeObjectMaps::text));
                case "ownerReferences" -> m.setOwnerReferences(list(x, o -> object(o, OwnerReference::new, (r, k2, v2) -> {
                    switch (k2) {
                        case "apiVersion" -> r.setApiVersion(string(v2));
                        case "kind" -> r.setKind(string(v2));
                        case "name" -> r.setName(string(v2));
                        case "uid" -> r.setUid(string(v2));
                        case "controller" -> r.setController(bool(v2));
                        case "blockOwnerDeletion" -> r.setBlockOwnerDeletion(bool(v2));
                        default -> throw NOT_PLAIN;
                    }
                })));
                default -> throw NOT_PLAIN;
            }
        });
    }

    /** Sets one field of an object being built. */
    @FunctionalInterface
    private interface Field<T> {
        void set(T object, String key, Object value);
    }

    /** A new object with each field of the map {@code v} set, or null for null. */
    private static <T> T object(Object v, Supplier<T> make, Field<T> field) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw NOT_PLAIN;
        }
        T t = make.get();
        m.forEach((k, x) -> field.set(t, k instanceof String s ? s : notPlain(), x));
        return t;
    }

    /** A list of the elements of {@code v}, each made by {@code element}, or null for null; a null element is left to Jackson. */
    private static <T> List<T> list(Object v, Function<Object, T> element) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw NOT_PLAIN;
        }
        List<T> out = new ArrayList<>(l.size());
        for (Object x : l) {
            out.add(element.apply(x == null ? notPlain() : x));
        }
        return out;
    }

    /** A map of text to text (labels, annotations, a selector), or null for null. */
    private static Map<String, String> strings(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw NOT_PLAIN;
        }
        Map<String, String> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
        m.forEach((k, x) -> out.put(k instanceof String s ? s : notPlain(), text(x)));
        return out;
    }

    private static String string(Object v) {
        return v == null ? null : text(v);
    }

    /** Text that is not null (a list's element, a map's value). */
    private static String text(Object v) {
        return v instanceof String s ? s : notPlain();
    }

    private static Integer integer(Object v) {
        return v == null ? null : v instanceof Integer i ? i : notPlain();
    }

    private static Boolean bool(Object v) {
        return v == null ? null : v instanceof Boolean b ? b : notPlain();
    }

    private static <T> T notPlain() {
        throw NOT_PLAIN;
    }
}
