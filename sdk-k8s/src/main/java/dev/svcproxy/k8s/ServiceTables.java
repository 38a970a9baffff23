// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.internal.ClusterIndex;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
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
        return build(snapshot, nodeName, new ClusterIndex());
    }

    /**
     * Builds the tables from a whole snapshot, translating again only the Services that are new or changed (or whose
     * EndpointSlices are) since the last build with {@code index}: a source that keeps the objects of what did not
     * change keeps reads cheap.
     */
    static Result build(ClusterSnapshot snapshot, String nodeName, ClusterIndex index) {
        List<Problem> problems = new ArrayList<>(snapshot.problems());
        index.replaceAll(snapshot.objects().services(), snapshot.objects().endpointSlices(), problems);
        return build(index, snapshot.objects().nodes(), snapshot.objects().serviceCidrs(), problems, nodeName);
    }

    /**
     * Builds the tables from what {@code index} holds (a source that hands over only what changed keeps it up to date),
     * with the Nodes and ServiceCIDRs given; {@code problems} are the source's own, and the build's are added.
     */
    static Result build(ClusterIndex index, List<Node> nodes, List<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> cidrs,
                        List<Problem> problems, String nodeName) {
        Optional<Node> node = nodes.stream().filter(n -> n.getMetadata() != null && nodeName.equals(n.getMetadata().getName())).findFirst();
        Optional<String> zone = node.map(n -> n.getMetadata().getLabels()).map(l -> l.get("topology.kubernetes.io/zone"));
        ClusterIndex.Translation t = index.translate(nodeName, zone);
        problems.addAll(t.problems());
        Map<IpFamily, ServiceTable> tables = new EnumMap<>(IpFamily.class);
        for (IpFamily f : IpFamily.values()) {
            tables.put(f, ServiceTable.builder().family(f).addAllServices(t.services().get(f))
                    .addAllNodeIps(nodeIps(node, f, problems))
                    .addAllServiceCidrs(serviceCidrs(cidrs, f, problems)).build());
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
                || n.getSpec().getTaints() == null || n.getSpec().getTaints().stream().noneMatch(x -> TO_BE_DELETED_TAINT.equals(x.getKey()))))
                .orElse(true);
        // one line per problem, although both families' translations may meet it (an invalid clusterIP, say)
        return new Result(Collections.unmodifiableMap(tables), List.copyOf(podCidrs), List.copyOf(new LinkedHashSet<>(problems)),
                eligible, t.triggers());
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
