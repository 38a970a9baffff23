// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns Services and their EndpointSlices into {@link VirtualService}s of one IP family, as kube-proxy's service
 * and endpoint change trackers do: skipped kinds, per-family addresses, VIP-mode load-balancer IPs, EndpointSlice
 * parsing and de-duplication, endpoint order, and {@link EndpointCategorizer}. Bad values become {@link Problem}s
 * naming the object; a bad address is dropped, a bad Service or port skipped, and the rest is translated.
 */
public final class ServiceTranslator {
    private static final String SCHEDULER_ANNOTATION = dev.svcproxy.k8s.ServiceTables.SCHEDULER_ANNOTATION;

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final Set<String> SKIP_LABELS = Set.of("service.kubernetes.io/service-proxy-name", "service.kubernetes.io/headless");

    private final IpFamily family;
    private final String nodeName;
    private final Optional<String> nodeZone;
    private final List<Problem> problems;

    /**
     * A translator for one family and node; what it meets goes to {@code problems}.
     *
     * @param family the family translated
     * @param nodeName this node's name
     * @param nodeZone this node's zone, if it has one
     * @param problems where bad values are reported
     */
    public ServiceTranslator(IpFamily family, String nodeName, Optional<String> nodeZone, List<Problem> problems) {
        this.family = family;
        this.nodeName = nodeName;
        this.nodeZone = nodeZone;
        this.problems = problems;
    }

    /** Whether {@code labels} (null: none) hold one of {@link #SKIP_LABELS} (a loop: every read asks for each Service). */
    static boolean skipLabelled(Map<String, String> labels) {
        if (labels != null) {
            for (String l : SKIP_LABELS) {
                if (labels.containsKey(l)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** kube-proxy's ShouldSkipService, plus the label selector its informers use. */
    static boolean skipped(Service s) {
        ServiceSpec spec = s.getSpec();
        return spec == null || skipLabelled(s.getMetadata().getLabels()) || "ExternalName".equals(spec.getType())
                || spec.getClusterIP() == null || spec.getClusterIP().isEmpty() || "None".equals(spec.getClusterIP());
    }

    /**
     * The service ports of {@code s} for this translator's family, each with the endpoints of {@code slices} (those
     * labelled with its name); none for a Service kube-proxy skips (no name, headless, ExternalName, a skip label).
     *
     * @param s the Service
     * @param slices its EndpointSlices
     * @return the service ports of {@code s} for this translator's family
     * @throws SvcProxyException if the Service as a whole is invalid (a port alone is reported and skipped)
     */
    public List<VirtualService> translate(Service s, List<EndpointSlice> slices) {
        if (s.getMetadata() == null || s.getMetadata().getName() == null || skipped(s)) {
            return List.of();
        }
        if (s.getMetadata().getNamespace() == null) {
            s.getMetadata().setNamespace("default");
        }
        return service(s, slices);
    }

    private Optional<IpAddress> clusterIp(Service s) {
        List<String> ips = Optional.ofNullable(s.getSpec().getClusterIPs()).filter(l -> !l.isEmpty())
                .orElse(List.of(s.getSpec().getClusterIP()));
        Optional<IpAddress> mine = Optional.empty();
        for (String text : ips) {
            IpAddress a;
            try {
                a = IpAddress.parseLenient(text);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("invalid clusterIP '" + text + "'", "spec.clusterIPs");
            }
            if (a.family() == family && mine.isEmpty()) {
                mine = Optional.of(a);
            }
        }
        return mine;
    }

    /** The addresses of this family among {@code texts}; bad ones are reported and dropped. */
    private List<IpAddress> addresses(Service s, List<String> texts, String field) {
        List<IpAddress> out = new ArrayList<>();
        for (String t : texts == null ? List.<String>of() : texts) {
            try {
                IpAddress a = IpAddress.parseLenient(t);
                if (a.family() == family) {
                    out.add(a);
                }
            } catch (InvalidInputException e) {
                problems.add(new Problem("Service", KubeObjects.id(s), "invalid " + field + " '" + t + "' ignored: " + e.getMessage()));
            }
        }
        return out;
    }

    private List<Cidr> sourceRanges(Service s) {
        List<Cidr> out = new ArrayList<>();
        for (String t : Optional.ofNullable(s.getSpec().getLoadBalancerSourceRanges()).orElse(List.of())) {
            try {
                Cidr c = Cidr.parseLenient(t.strip());
                if (c.family() == family) {
                    out.add(c);
                }
            } catch (InvalidInputException e) {
                problems.add(new Problem("Service", KubeObjects.id(s), "invalid loadBalancerSourceRange '" + t + "' ignored: " + e.getMessage()));
            }
        }
        return out;
    }

    /**
     * The API server's rule for a field that takes one of {@code allowed} values, exactly spelled: empty takes
     * the API's default; anything else makes the object something it is not, so it is refused.
     */
    static String oneOf(String value, String field, String dflt, String... allowed) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        if (!List.of(allowed).contains(value)) {
            throw new InvalidInputException("unsupported value '" + value + "' (expected " + String.join(" or ", allowed) + ")", field);
        }
        return value;
    }

    /** The ports of {@code s}, with endpoints from {@code slices} (those labelled with its name, in the order given). */
    private List<VirtualService> service(Service s, List<EndpointSlice> slices) {
        ServiceSpec spec = s.getSpec();
        oneOf(spec.getType(), "spec.type", "ClusterIP", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        oneOf(spec.getExternalTrafficPolicy(), "spec.externalTrafficPolicy", "Cluster", "Cluster", "Local");
        oneOf(spec.getInternalTrafficPolicy(), "spec.internalTrafficPolicy", "Cluster", "Cluster", "Local");
        oneOf(spec.getSessionAffinity(), "spec.sessionAffinity", "None", "None", "ClientIP");
        Optional<IpAddress> clusterIp = clusterIp(s);
        if (clusterIp.isEmpty()) {
            return List.of(); // not a service of this family
        }
        List<IpAddress> externalIps = addresses(s, spec.getExternalIPs(), "externalIP");
        List<String> lbTexts = new ArrayList<>();
        if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null && s.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) {
                if (in.getIp() != null && !in.getIp().isEmpty() && (in.getIpMode() == null || "VIP".equals(in.getIpMode()))) {
                    lbTexts.add(in.getIp());
                }
            }
        }
        List<IpAddress> lbIps = addresses(s, lbTexts, "load-balancer ingress IP");
        List<Cidr> ranges = sourceRanges(s);
        boolean itpLocal = "Local".equals(spec.getInternalTrafficPolicy());
        SessionAffinity affinity = SessionAffinity.NONE;
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            Integer t = spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
                    ? spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() : null;
            affinity = SessionAffinity.clientIp(t == null ? SessionAffinity.DEFAULT_TIMEOUT_SECONDS : t);
        }
        Map<String, String> annotations = Optional.ofNullable(s.getMetadata().getAnnotations()).orElse(Map.of());
        List<VirtualService> out = new ArrayList<>();
        for (ServicePort p : Optional.ofNullable(spec.getPorts()).orElse(List.of())) {
            String portName = Optional.ofNullable(p.getName()).orElse("");
            ServicePortName name = ServicePortName.of(s.getMetadata().getNamespace(), s.getMetadata().getName(), portName);
            try {
                Protocol proto = Protocol.parse(oneOf(p.getProtocol(), "protocol", "TCP", "TCP", "UDP", "SCTP"));
                int nodePort = p.getNodePort() == null ? 0 : p.getNodePort();
                boolean external = nodePort != 0 || !externalIps.isEmpty() || !lbIps.isEmpty();
                boolean etpLocal = external && "Local".equals(spec.getExternalTrafficPolicy());
                List<Endpoint> eps = endpoints(s, portName, proto, slices);
                // kube-proxy's UsesClusterEndpoints: ITP Cluster, or reachable from outside at all (even with ETP Local,
                // the external chain sends pod and host traffic to the cluster policy chain)
                EndpointCategorizer.Result r = EndpointCategorizer.categorize(eps, !itpLocal || external,
                        itpLocal || etpLocal, nodeName, nodeZone);
                out.add(VirtualService.builder().name(name).protocol(proto).port(p.getPort() == null ? 0 : p.getPort())
                        .clusterIp(clusterIp).nodePort(nodePort).addAllExternalIps(externalIps).addAllLoadBalancerIps(lbIps)
                        .addAllLoadBalancerSourceRanges(ranges)
                        .externalTrafficPolicy(etpLocal ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER)
                        .internalTrafficPolicy(itpLocal ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER)
                        .sessionAffinity(affinity)
                        .healthCheckNodePort(etpLocal && spec.getHealthCheckNodePort() != null ? spec.getHealthCheckNodePort() : 0)
                        .addAllClusterEndpoints(r.cluster()).addAllLocalEndpoints(r.local()).hasAnyEndpoints(r.hasAny())
                        .scheduler(annotations.getOrDefault(SCHEDULER_ANNOTATION, "random")).putAllAnnotations(annotations)
                        .build());
            } catch (SvcProxyException e) {
                problems.add(new Problem("Service", KubeObjects.id(s), "port " + (portName.isEmpty() ? p.getPort() : portName) + ": "
                        + e.getMessage() + " (port skipped)"));
            }
        }
        return out;
    }

    /**
     * The endpoints of one service port from the slices labelled with the service's name: the first address of
     * each endpoint, conditions (ready and serving default to true), local if on this node, hints; one per
     * ip:port (a non-terminating one replaces a terminating one), sorted by "ip:port" as kube-proxy sorts them.
     */
    private List<Endpoint> endpoints(Service s, String portName, Protocol proto, List<EndpointSlice> slices) {
        Map<String, Endpoint> byKey = new TreeMap<>(); // by "ip:port", kube-proxy's order
        String want = family.toString();
        for (EndpointSlice slice : slices) {
            Map<String, String> labels = slice.getMetadata() == null || slice.getMetadata().getLabels() == null ? Map.of()
                    : slice.getMetadata().getLabels();
            String ns = slice.getMetadata() == null ? null : Optional.ofNullable(slice.getMetadata().getNamespace()).orElse("default");
            if (!s.getMetadata().getName().equals(labels.get(SERVICE_NAME_LABEL)) || !s.getMetadata().getNamespace().equals(ns)
                    || skipLabelled(labels)) {
                continue;
            }
            if (!List.of("IPv4", "IPv6", "FQDN").contains(String.valueOf(slice.getAddressType()))) {
                problems.add(new Problem("EndpointSlice", KubeObjects.id(slice), "unsupported addressType '" + slice.getAddressType()
                        + "' (expected IPv4, IPv6 or FQDN); slice ignored"));
                continue;
            }
            if (!want.equals(slice.getAddressType())) {
                continue;
            }
            for (EndpointPort ep : Optional.ofNullable(slice.getPorts()).orElse(List.of())) {
                if (ep.getPort() == null || ep.getPort() == 0 || !portName.equals(Optional.ofNullable(ep.getName()).orElse(""))
                        || !proto.name().equals(Optional.ofNullable(ep.getProtocol()).orElse("TCP"))) {
                    continue;
                }
                if (ep.getPort() < 1 || ep.getPort() > 65535) { // this slice's port alone is skipped, as kube-proxy would
                    problems.add(new Problem("EndpointSlice", KubeObjects.id(slice), "port " + (portName.isEmpty() ? "(unnamed)" : portName)
                            + ": invalid port " + ep.getPort() + " (expected 1-65535); this slice's port is skipped"));
                    continue;
                }
                for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : Optional.ofNullable(slice.getEndpoints()).orElse(List.of())) {
                    endpoint(slice, e, ep.getPort()).ifPresent(n -> {
                        String key = n.toString();
                        Endpoint old = byKey.get(key);
                        if (old == null || old.terminating() && !n.terminating()) {
                            byKey.put(key, n);
                        }
                    });
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    private Optional<Endpoint> endpoint(EndpointSlice slice, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e, int port) {
        if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
            return Optional.empty();
        }
        String text = e.getAddresses().get(0);
        IpAddress ip;
        try {
            ip = IpAddress.parseLenient(text);
        } catch (InvalidInputException ex) {
            problems.add(new Problem("EndpointSlice", KubeObjects.id(slice), "invalid address '" + text + "' ignored: " + ex.getMessage()));
            return Optional.empty();
        }
        if (ip.family() != family) { // an endpoint of the other family in this slice: that endpoint alone is skipped
            problems.add(new Problem("EndpointSlice", KubeObjects.id(slice), "address '" + text + "' is not of the slice's addressType "
                    + family + "; endpoint ignored"));
            return Optional.empty();
        }
        EndpointConditions c = Optional.ofNullable(e.getConditions()).orElse(new EndpointConditions());
        boolean ready = c.getReady() == null || c.getReady();
        Set<String> zones = e.getHints() == null || e.getHints().getForZones() == null ? Set.of()
                : e.getHints().getForZones().stream().map(ForZone::getName).filter(Objects::nonNull).collect(Collectors.toSet());
        Set<String> nodes = e.getHints() == null || e.getHints().getForNodes() == null ? Set.of()
                : e.getHints().getForNodes().stream().map(ForNode::getName).filter(Objects::nonNull).collect(Collectors.toSet());
        return Optional.of(Endpoint.builder().ip(ip).port(port).local(nodeName.equals(e.getNodeName()))
                .ready(ready).serving(c.getServing() == null ? ready : c.getServing())
                .terminating(c.getTerminating() != null && c.getTerminating())
                .addAllZoneHints(zones).addAllNodeHints(nodes).build());
    }
}
