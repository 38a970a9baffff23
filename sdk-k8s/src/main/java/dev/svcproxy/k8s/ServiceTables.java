// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.internal.KubeObjects;
import dev.svcproxy.k8s.internal.ServiceTranslator;
import dev.svcproxy.k8s.internal.TranslationMemo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired state of one node: a {@link ServiceTable} per IP family built from a {@link ClusterSnapshot}, with
 * the node's IPs from its Node object ({@code status.addresses}), else from this host's interfaces.
 */
public final class ServiceTables {
    /**
     * The Service annotation naming the {@link dev.svcproxy.api.spi.Scheduler} of its ports (default {@code random},
     * kube-proxy's split). The Service's annotations travel with it, for schedulers that read settings there.
     */
    public static final String SCHEDULER_ANNOTATION = "svcproxy.dev/scheduler";


    /**
     * One table per family (both, even when empty), the Node's {@code spec.podCIDRs}, every problem met, whether the
     * node is eligible for load-balancer traffic (kube-proxy's {@code nodeEligible}: not being deleted, not tainted
     * {@code ToBeDeletedByClusterAutoscaler}), and per Service ({@code ns/name}) the latest
     * {@code endpoints.kubernetes.io/last-change-trigger-time} of its EndpointSlices.
     */
    public record Result(Map<IpFamily, ServiceTable> tables, List<Cidr> podCidrs, List<Problem> problems, boolean nodeEligible,
                         Map<String, java.time.Instant> endpointTriggers) {
        /**
         * A result with no Node to judge and no trigger times (an embedding program's own tables).
         *
         * @param tables the table of each family
         * @param podCidrs this node's pod CIDRs
         * @param problems the objects skipped, and why
         */
        public Result(Map<IpFamily, ServiceTable> tables, List<Cidr> podCidrs, List<Problem> problems) {
            this(tables, podCidrs, problems, true, Map.of());
        }

        /**
         * The desired state of one family.
         *
         * @param f the family
         * @return its table, or null if the result has none for it
         */
        public ServiceTable table(IpFamily f) {
            return tables.get(f);
        }
    }

    /** The taint the cluster autoscaler puts on a node it is about to delete. */
    static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";
    /** The EndpointSlice controller's annotation: when the change that produced this slice happened. */
    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

    private ServiceTables() {
    }

    /**
     * Builds the tables for node {@code nodeName}.
     *
     * @param snapshot the cluster's objects
     * @param nodeName this node's name
     * @return the tables, the pod CIDRs and the problems
     */
    public static Result build(ClusterSnapshot snapshot, String nodeName) {
        return build(snapshot, nodeName, new TranslationMemo());
    }

    /**
     * Builds the tables, translating again only the Services that are new or changed (or whose EndpointSlices are)
     * since the last build with {@code memo}: a source that keeps the objects of what did not change keeps reads cheap.
     */
    static Result build(ClusterSnapshot snapshot, String nodeName, TranslationMemo memo) {
        List<Problem> problems = new ArrayList<>(snapshot.problems());
        Optional<Node> node = snapshot.objects().nodes().stream()
                .filter(n -> n.getMetadata() != null && nodeName.equals(n.getMetadata().getName())).findFirst();
        Optional<String> zone = node.map(n -> n.getMetadata().getLabels()).map(l -> l.get("topology.kubernetes.io/zone"));
        Map<IpFamily, ServiceTable> tables = new EnumMap<>(IpFamily.class);
        List<Service> services = firstOfEach(snapshot.objects().services(), problems);
        List<EndpointSlice> slices = firstOfEach(snapshot.objects().endpointSlices(), problems);
        Map<KubeObjects.Key, List<EndpointSlice>> slicesByService = ServiceTranslator.byService(slices);
        for (IpFamily f : IpFamily.values()) {
            ServiceTranslator t = new ServiceTranslator(f, nodeName, zone, problems, memo);
            tables.put(f, ServiceTable.builder().family(f)
                    .addAllServices(t.translate(services, slicesByService))
                    .addAllNodeIps(nodeIps(node, f, problems))
                    .addAllServiceCidrs(serviceCidrs(snapshot.objects().serviceCidrs(), f, problems)).build());
        }
        List<Cidr> podCidrs = new ArrayList<>();
        node.map(n -> n.getSpec()).map(spec -> spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty() ? spec.getPodCIDRs()
                : spec.getPodCIDR() == null ? List.<String>of() : List.of(spec.getPodCIDR())).orElse(List.of()).forEach(c -> {
                    try {
                        podCidrs.add(Cidr.parseLenient(c));
                    } catch (InvalidInputException e) {
                        problems.add(new Problem("Node", nodeName, "invalid podCIDR '" + c + "' ignored"));
                    }
                });
        boolean eligible = node.map(n -> n.getMetadata().getDeletionTimestamp() == null && (n.getSpec() == null
                || n.getSpec().getTaints() == null || n.getSpec().getTaints().stream().noneMatch(t -> TO_BE_DELETED_TAINT.equals(t.getKey()))))
                .orElse(true);
        // one line per problem, although both families' translations may meet it (an invalid clusterIP, say)
        return new Result(Collections.unmodifiableMap(tables), List.copyOf(podCidrs), List.copyOf(new LinkedHashSet<>(problems)),
                eligible, triggers(slices));
    }

    /** Per Service, the latest trigger time its slices carry (a time that does not parse is left out). */
    private static Map<String, java.time.Instant> triggers(List<EndpointSlice> slices) {
        Map<String, java.time.Instant> out = new java.util.HashMap<>();
        for (EndpointSlice s : slices) {
            Map<String, String> annotations = s.getMetadata().getAnnotations();
            Map<String, String> labels = s.getMetadata().getLabels();
            String time = annotations == null ? null : annotations.get(TRIGGER_TIME);
            String service = labels == null ? null : labels.get("kubernetes.io/service-name");
            if (time == null || service == null) {
                continue;
            }
            try {
                java.time.Instant t = java.time.OffsetDateTime.parse(time).toInstant();
                out.merge(s.getMetadata().getNamespace() + "/" + service, t, (a, b) -> a.isAfter(b) ? a : b);
            } catch (java.time.format.DateTimeParseException e) {
                // kube-proxy ignores a trigger time it cannot parse too
            }
        }
        return Map.copyOf(out);
    }

    /**
     * The first object of each namespace/name, in the order given: a later one with the same name (a manifest copied
     * beside the original, say) is reported and skipped, so that one duplicate never stops the others.
     */
    static <T extends HasMetadata> List<T> firstOfEach(List<T> objects, List<Problem> problems) {
        Set<KubeObjects.Key> seen = new HashSet<>();
        List<T> out = new ArrayList<>();
        for (T o : objects) {
            KubeObjects.Key id = o.getMetadata() == null ? null : KubeObjects.key(o);
            if (id == null || seen.add(id)) {
                out.add(o);
            } else {
                problems.add(new Problem(Optional.ofNullable(o.getKind()).orElse(o.getClass().getSimpleName()), id.toString(),
                        "defined more than once; the first definition is kept"));
            }
        }
        return out;
    }

    /** The {@code spec.cidrs} of family {@code f} of every ServiceCIDR, in order, once each; a bad one is a problem. */
    static List<Cidr> serviceCidrs(List<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> objects, IpFamily f,
                                   List<Problem> problems) {
        java.util.Set<Cidr> out = new java.util.LinkedHashSet<>();
        for (var o : objects) {
            List<String> cidrs = o.getSpec() == null || o.getSpec().getCidrs() == null ? List.of() : o.getSpec().getCidrs();
            for (String c : cidrs) {
                try {
                    Cidr cidr = Cidr.parse(c);
                    if (cidr.family() == f) {
                        out.add(cidr);
                    }
                } catch (InvalidInputException e) {
                    if (f == IpFamily.IPV4) { // reported once, not per family
                        problems.add(new Problem("ServiceCIDR", o.getMetadata() == null ? "?" : o.getMetadata().getName(),
                                "skipped CIDR '" + c + "': " + e.getMessage()));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** InternalIP and ExternalIP addresses of the Node, else the host's global addresses of family {@code f}. */
    static List<IpAddress> nodeIps(Optional<Node> node, IpFamily f, List<Problem> problems) {
        List<IpAddress> out = new ArrayList<>();
        if (node.isPresent() && node.get().getStatus() != null && node.get().getStatus().getAddresses() != null) {
            for (NodeAddress a : node.get().getStatus().getAddresses()) {
                if ("InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType())) {
                    try {
                        IpAddress ip = IpAddress.parseLenient(a.getAddress());
                        if (ip.family() == f && !out.contains(ip)) {
                            out.add(ip);
                        }
                    } catch (InvalidInputException e) {
                        problems.add(new Problem("Node", node.get().getMetadata().getName(),
                                "invalid address '" + a.getAddress() + "' ignored"));
                    }
                }
            }
            return out;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress ia : Collections.list(nif.getInetAddresses())) {
                    IpAddress ip = IpAddress.ofBytes(ia.getAddress());
                    if (ip.family() == f && !ia.isLoopbackAddress() && !ia.isLinkLocalAddress() && !out.contains(ip)) {
                        out.add(ip);
                    }
                }
            }
        } catch (SocketException e) {
            problems.add(new Problem("Node", "(local)", "cannot list interfaces: " + e.getMessage()));
        }
        return out;
    }
}
