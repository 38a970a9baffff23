// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.WeightedEndpoint;
import dev.svcproxy.nftables.Chain;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.Field;
import dev.svcproxy.nftables.NftSet;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.Rule;
import dev.svcproxy.nftables.Table;
import dev.svcproxy.nftables.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * kube-proxy's nftables table ({@code pkg/proxy/nftables/proxier.go}, v1.34 layout) for one IP family: the fixed
 * part ({@link #setup}: base chains at kube-proxy's hooks and priorities, the jumps, {@code services}, the checks,
 * masquerading, and the shared maps and sets) and each service port's part ({@link #service}), rule for rule.
 */
public final class KubeNftLayout {
    /** kube-proxy's table, one per family ({@code ip} and {@code ip6}). */
    public static final String TABLE = "kube-proxy";
    /** The most {@code numgen} slots one policy chain's map gets when a scheduler's weights are spread over them. */
    static final int MAX_SLOTS = 1024;

    private final BackendContext context;
    private final Table table;
    private final Field saddr;
    private final Field daddr;
    private final DataType addr;
    private final long mark;
    final NftSet clusterIps;
    final NftSet nodePortIps;
    final NftSet serviceIps;
    final NftSet serviceNodePorts;
    final NftSet noEndpointServices;
    final NftSet noEndpointNodePorts;
    final NftSet firewallIps;
    private final Chain services;
    private final Chain markMasq;
    private final Chain masquerading;
    private final Chain rejectChain;
    private final Chain clusterIpsCheck;
    private final Chain firewallCheck;
    private final Chain serviceEndpointsCheck;
    private final Chain nodePortEndpointsCheck;

    /**
     * kube-proxy's layout for one family: table {@code ip kube-proxy} or {@code ip6 kube-proxy} and its fixed
     * chains, sets and maps.
     *
     * @param context the proxy's settings for the family
     */
    public KubeNftLayout(BackendContext context) {
        this.context = context;
        boolean v4 = context.family() == IpFamily.IPV4;
        this.table = Table.of(v4 ? Family.IP : Family.IP6, TABLE).withComment("rules for kube-proxy");
        this.saddr = v4 ? Field.IP_SADDR : Field.IP6_SADDR;
        this.daddr = v4 ? Field.IP_DADDR : Field.IP6_DADDR;
        this.addr = v4 ? DataType.IPV4_ADDR : DataType.IPV6_ADDR;
        this.mark = 1L << context.masqueradeBit();
        List<DataType> ipProtoPort = List.of(addr, DataType.INET_PROTO, DataType.INET_SERVICE);
        List<DataType> protoPort = List.of(DataType.INET_PROTO, DataType.INET_SERVICE);
        clusterIps = NftSet.set(table, "cluster-ips", addr).withComment("Active ClusterIPs");
        nodePortIps = NftSet.set(table, "nodeport-ips", addr).withComment("IPs that accept NodePort traffic");
        firewallIps = NftSet.map(table, "firewall-ips", ipProtoPort, DataType.VERDICT)
                .withComment("destinations that are subject to LoadBalancerSourceRanges");
        noEndpointNodePorts = NftSet.map(table, "no-endpoint-nodeports", protoPort, DataType.VERDICT)
                .withComment("vmap to drop or reject packets to service nodeports with no endpoints");
        noEndpointServices = NftSet.map(table, "no-endpoint-services", ipProtoPort, DataType.VERDICT)
                .withComment("vmap to drop or reject packets to services with no endpoints");
        serviceIps = NftSet.map(table, "service-ips", ipProtoPort, DataType.VERDICT)
                .withComment("ClusterIP, ExternalIP and LoadBalancer IP traffic");
        serviceNodePorts = NftSet.map(table, "service-nodeports", protoPort, DataType.VERDICT).withComment("NodePort traffic");
        services = Chain.of(table, "services");
        markMasq = Chain.of(table, "mark-for-masquerade");
        masquerading = Chain.of(table, "masquerading");
        rejectChain = Chain.of(table, "reject-chain").withComment("helper for @no-endpoint-services / @no-endpoint-nodeports");
        clusterIpsCheck = Chain.of(table, "cluster-ips-check");
        firewallCheck = Chain.of(table, "firewall-check");
        serviceEndpointsCheck = Chain.of(table, "service-endpoints-check");
        nodePortEndpointsCheck = Chain.of(table, "nodeport-endpoints-check");
    }

    /**
     * kube-proxy's table of this family.
     *
     * @return the table
     */
    public Table table() {
        return table;
    }

    /** The maps and sets whose elements follow the services, kept by difference (kube-proxy's nftElementStorage). */
    List<NftSet> serviceMaps() {
        return List.of(clusterIps, serviceIps, firewallIps, noEndpointServices, noEndpointNodePorts, serviceNodePorts);
    }

    /**
     * Node ports on every local address ({@code fib daddr type local}) rather than on {@code nodeport-ips}: no node-port
     * addresses given, or {@code 0.0.0.0/0} ({@code ::/0}) among them (kube-proxy's {@code MatchAll}).
     */
    boolean nodePortsOnAllAddresses() {
        return context.nodePortAddresses().isEmpty()
                || context.nodePortAddresses().stream().anyMatch(c -> c.family() == context.family() && c.prefixLength() == 0);
    }

    private record BaseChain(String name, Chain.Type type, Chain.HookPoint hook, String priority) {
    }

    private static final List<BaseChain> BASE_CHAINS = List.of(
            new BaseChain("filter-prerouting-pre-dnat", Chain.Type.FILTER, Chain.HookPoint.PREROUTING, "dstnat - 10"),
            new BaseChain("filter-output-pre-dnat", Chain.Type.FILTER, Chain.HookPoint.OUTPUT, "dstnat - 10"),
            new BaseChain("filter-input", Chain.Type.FILTER, Chain.HookPoint.INPUT, "filter"),
            new BaseChain("filter-forward", Chain.Type.FILTER, Chain.HookPoint.FORWARD, "filter"),
            new BaseChain("filter-output", Chain.Type.FILTER, Chain.HookPoint.OUTPUT, "filter"),
            new BaseChain("nat-prerouting", Chain.Type.NAT, Chain.HookPoint.PREROUTING, "dstnat"),
            new BaseChain("nat-output", Chain.Type.NAT, Chain.HookPoint.OUTPUT, "dstnat"),
            new BaseChain("nat-postrouting", Chain.Type.NAT, Chain.HookPoint.POSTROUTING, "srcnat"));

    private Chain base(String name) {
        BaseChain b = BASE_CHAINS.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return Chain.base(table, b.name(), Chain.Hook.of(b.type(), b.hook(), b.priority()));
    }

    /** A jump from a base chain to a top-level chain, for new connections only or for every packet. */
    private record Jump(String from, Chain to, boolean newOnly) {
    }

    /** kube-proxy's jumps from its base chains to its top-level chains, in its order. */
    private List<Jump> jumps() {
        return List.of(new Jump("filter-input", nodePortEndpointsCheck, true), new Jump("filter-input", serviceEndpointsCheck, true),
                new Jump("filter-forward", serviceEndpointsCheck, true), new Jump("filter-output", serviceEndpointsCheck, true),
                new Jump("filter-prerouting-pre-dnat", firewallCheck, true), new Jump("filter-output-pre-dnat", firewallCheck, true),
                new Jump("nat-output", services, false), new Jump("nat-prerouting", services, false),
                new Jump("nat-postrouting", masquerading, false), new Jump("filter-forward", clusterIpsCheck, true),
                new Jump("filter-output", clusterIpsCheck, true));
    }

    /**
     * kube-proxy's {@code setupNFTables}: the table, its base chains (first deleted and made again when
     * {@code recreateBaseChains}, so that a changed priority applies), the top-level chains emptied and rewritten, and
     * the shared maps and sets (their elements are the backend's). {@code nodeIps} fill {@code nodeport-ips} when node
     * ports listen on chosen addresses; {@code serviceCidrs}, when known, make unallocated cluster IPs dropped.
     */
    void setup(NftTransaction tx, boolean recreateBaseChains, List<IpAddress> nodeIps, List<Cidr> serviceCidrs) {
        tx.add(table);
        if (recreateBaseChains) {
            for (BaseChain b : BASE_CHAINS) {
                tx.add(base(b.name())).delete(Chain.of(table, b.name()));
            }
        }
        for (BaseChain b : BASE_CHAINS) {
            tx.add(base(b.name())).flush(base(b.name()));
        }
        java.util.Set<String> created = new java.util.HashSet<>();
        for (Jump j : jumps()) {
            if (created.add(j.to().name())) {
                tx.add(j.to()).flush(j.to());
            }
            Rule.Builder r = Rule.in(base(j.from()));
            tx.add((j.newOnly() ? r.ctState("new") : r).verdict(Verdict.jump(j.to().name())).build());
        }
        for (Chain c : List.of(services, clusterIpsCheck, masquerading, markMasq)) {
            if (created.add(c.name())) {
                tx.add(c).flush(c);
            }
        }
        tx.add(Rule.in(markMasq).setMarkOr(mark).build());
        tx.add(Rule.in(masquerading).markMasked(mark, 0).verdict(Verdict.RETURN).build());
        tx.add(Rule.in(masquerading).setMarkXor(mark).build());
        tx.add(Rule.in(masquerading).masquerade(true).build());
        tx.add(clusterIps);
        tx.add(Rule.in(clusterIpsCheck).inSet(clusterIps, daddr).reject().comment("Reject traffic to invalid ports of ClusterIPs").build());
        if (!serviceCidrs.isEmpty()) {
            tx.add(Rule.in(clusterIpsCheck).inValues(daddr, serviceCidrs.stream().map(Cidr::toString).toList()).verdict(Verdict.DROP)
                    .comment("Drop traffic to unallocated ClusterIPs").build());
        }
        tx.add(nodePortIps);
        if (nodePortsOnAllAddresses()) {
            tx.delete(nodePortIps);
        } else {
            tx.flush(nodePortIps);
            List<Element> ips = nodePortIps(nodeIps).stream().map(ip -> Element.of(ip.toString())).toList();
            if (!ips.isEmpty()) {
                tx.addElements(nodePortIps, ips);
            }
        }
        tx.add(noEndpointServices).add(noEndpointNodePorts);
        tx.add(rejectChain).flush(rejectChain).add(Rule.in(rejectChain).reject().build());
        tx.add(Rule.in(serviceEndpointsCheck).vmap(noEndpointServices, daddr, Field.META_L4PROTO, Field.TH_DPORT).build());
        if (nodePortsOnAllAddresses()) {
            tx.add(notLocalhost(Rule.in(nodePortEndpointsCheck)).vmap(noEndpointNodePorts, Field.META_L4PROTO, Field.TH_DPORT).build());
        } else {
            tx.add(Rule.in(nodePortEndpointsCheck).inSet(nodePortIps, daddr).vmap(noEndpointNodePorts, Field.META_L4PROTO, Field.TH_DPORT)
                    .build());
        }
        tx.add(firewallIps);
        if (created.add(firewallCheck.name())) {
            tx.add(firewallCheck).flush(firewallCheck);
        }
        tx.add(Rule.in(firewallCheck).vmap(firewallIps, daddr, Field.META_L4PROTO, Field.TH_DPORT).build());
        tx.add(serviceIps).add(serviceNodePorts);
        tx.add(Rule.in(services).vmap(serviceIps, daddr, Field.META_L4PROTO, Field.TH_DPORT).build());
        if (nodePortsOnAllAddresses()) {
            tx.add(notLocalhost(Rule.in(services).fibDaddrTypeLocal()).vmap(serviceNodePorts, Field.META_L4PROTO, Field.TH_DPORT).build());
        } else {
            tx.add(Rule.in(services).inSet(nodePortIps, daddr).vmap(serviceNodePorts, Field.META_L4PROTO, Field.TH_DPORT).build());
        }
    }

    /** The node's addresses node ports listen on: those in the node-port CIDRs, never loopback (as kube-proxy). */
    List<IpAddress> nodePortIps(List<IpAddress> nodeIps) {
        return nodeIps.stream().filter(ip -> !ip.isLoopback())
                .filter(ip -> context.nodePortAddresses().stream().anyMatch(c -> c.contains(ip))).distinct().toList();
    }

    /** {@code ip daddr != 127.0.0.0/8} ({@code ip6 daddr != ::1}): no node ports on localhost. */
    private Rule.Builder notLocalhost(Rule.Builder b) {
        return context.family() == IpFamily.IPV4 ? b.notMatch(daddr, Cidr.parse("127.0.0.0/8")) : b.notMatch(daddr, "::1");
    }

    private boolean detectsLocal() {
        return !(context.localTraffic() instanceof LocalTraffic.None);
    }

    /** kube-proxy's local-traffic detector in nft terms: {@code ip saddr CIDR} or {@code iifname NAME} (or its negation). */
    private Rule.Builder local(Rule.Builder b, boolean negated) {
        LocalTraffic t = context.localTraffic();
        if (t instanceof LocalTraffic.FromCidrs c) {
            List<String> cidrs = c.cidrs().stream().filter(x -> x.family() == context.family()).map(Cidr::toString).toList();
            return negated ? b.notInValues(saddr, cidrs) : b.inValues(saddr, cidrs);
        }
        String name = t instanceof LocalTraffic.FromBridge br ? br.bridge() : ((LocalTraffic.FromInterfacePrefix) t).prefix() + "*";
        return negated ? b.notMatch(Field.IIFNAME, name) : b.match(Field.IIFNAME, name);
    }

    /**
     * One service port's chains, rules, affinity sets and map elements, as kube-proxy's {@code syncProxyRules} writes
     * them. {@link InvalidInputException} naming the service if it cannot be written (a scheduler the table cannot
     * express, too many slots).
     */
    ServiceLayout service(VirtualService s, List<IpAddress> nodeIps) {
        String name = s.name().toString();
        String proto = s.protocol().lowerName();
        String port = String.valueOf(s.port());
        boolean external = s.isExternallyAccessible();
        boolean itpLocal = s.internalTrafficPolicy() == TrafficPolicy.LOCAL;
        boolean etpLocal = external && s.externalTrafficPolicy() == TrafficPolicy.LOCAL;
        List<Endpoint> clusterEps = s.clusterEndpoints().stream().sorted().toList();
        List<Endpoint> localEps = s.localEndpoints().stream().sorted().toList();
        boolean hasEndpoints = s.hasAnyEndpoints();
        Chain clusterChain = Chain.of(table, KubeNftNames.service(s.name(), s.protocol()));
        Chain localChain = Chain.of(table, KubeNftNames.local(s.name(), s.protocol()));
        Chain extChain = Chain.of(table, KubeNftNames.external(s.name(), s.protocol()));
        Chain fwChain = Chain.of(table, KubeNftNames.firewall(s.name(), s.protocol()));
        boolean usesCluster = !clusterEps.isEmpty() && (!itpLocal || external);
        boolean usesLocal = !localEps.isEmpty() && (itpLocal || etpLocal);
        // each endpoint's chain made once: its rules and every jump to it share the chain and its name
        Map<Endpoint, Chain> endpointChains = new HashMap<>();
        Function<Endpoint, Chain> endpointChain = e -> endpointChains.computeIfAbsent(e,
                x -> Chain.of(table, KubeNftNames.endpoint(s.name(), s.protocol(), x)));
        TreeMap<String, Endpoint> reachable = new TreeMap<>();
        if (usesCluster) {
            clusterEps.forEach(e -> reachable.put(e.toString(), e));
        }
        if (usesLocal) {
            localEps.forEach(e -> reachable.putIfAbsent(e.toString(), e));
        }
        Chain internalChain = itpLocal ? localChain : clusterChain;
        boolean hasInternal = hasEndpoints && (!itpLocal || !localEps.isEmpty());
        Chain externalPolicyChain = etpLocal ? localChain : clusterChain;
        boolean hasExternal = hasEndpoints && (!etpLocal || !localEps.isEmpty());
        boolean usesExt = hasEndpoints && external;
        boolean usesFw = !s.loadBalancerIps().isEmpty() && !s.loadBalancerSourceRanges().isEmpty();
        Verdict internalFilter = !hasEndpoints ? Verdict.goTo(rejectChain.name()) : Verdict.DROP;
        Verdict externalFilter = internalFilter;

        List<Chain> chains = new ArrayList<>();
        for (Endpoint e : reachable.values()) {
            chains.add(endpointChain.apply(e));
        }
        if (usesCluster) {
            chains.add(clusterChain);
        }
        if (usesLocal) {
            chains.add(localChain);
        }
        if (usesExt) {
            chains.add(extChain);
        }
        if (usesFw) {
            chains.add(fwChain);
        }

        List<ServiceLayout.MapElement> elements = new ArrayList<>();
        s.clusterIp().ifPresent(ip -> {
            elements.add(new ServiceLayout.MapElement(clusterIps, Element.of(ip.toString())));
            if (hasInternal) {
                elements.add(new ServiceLayout.MapElement(serviceIps, Element.of(List.of(ip.toString(), proto, port),
                        Verdict.goTo(internalChain.name()))));
            } else {
                elements.add(new ServiceLayout.MapElement(noEndpointServices, Element.of(List.of(ip.toString(), proto, port),
                        internalFilter).withComment(name)));
            }
        });
        for (IpAddress ip : s.externalIps()) {
            if (hasEndpoints) {
                elements.add(new ServiceLayout.MapElement(serviceIps, Element.of(List.of(ip.toString(), proto, port),
                        Verdict.goTo(extChain.name()))));
            }
            if (!hasExternal) {
                elements.add(new ServiceLayout.MapElement(noEndpointServices, Element.of(List.of(ip.toString(), proto, port),
                        externalFilter).withComment(name)));
            }
        }
        for (IpAddress ip : s.loadBalancerIps()) {
            if (hasEndpoints) {
                elements.add(new ServiceLayout.MapElement(serviceIps, Element.of(List.of(ip.toString(), proto, port),
                        Verdict.goTo(extChain.name()))));
            }
            if (usesFw) {
                elements.add(new ServiceLayout.MapElement(firewallIps, Element.of(List.of(ip.toString(), proto, port),
                        Verdict.goTo(fwChain.name()))));
            }
        }
        if (!hasExternal) {
            for (IpAddress ip : s.loadBalancerIps()) {
                elements.add(new ServiceLayout.MapElement(noEndpointServices, Element.of(List.of(ip.toString(), proto, port),
                        externalFilter).withComment(name)));
            }
        }
        if (s.nodePort() != 0) {
            String np = String.valueOf(s.nodePort());
            if (hasEndpoints) {
                elements.add(new ServiceLayout.MapElement(serviceNodePorts, Element.of(List.of(proto, np), Verdict.goTo(extChain.name()))));
            }
            if (!hasExternal) {
                elements.add(new ServiceLayout.MapElement(noEndpointNodePorts, Element.of(List.of(proto, np), externalFilter)
                        .withComment(name)));
            }
        }

        List<Rule> rules = new ArrayList<>();
        if (hasInternal && s.clusterIp().isPresent()) {
            Rule.Builder b = Rule.in(internalChain).match(daddr, s.clusterIp().get().toString());
            if (context.masqueradeAll()) {
                rules.add(b.verdict(Verdict.jump(markMasq.name())).build());
            } else if (detectsLocal()) {
                rules.add(local(b, true).verdict(Verdict.jump(markMasq.name())).build());
            }
        }
        if (usesExt) {
            if (!etpLocal) {
                rules.add(Rule.in(extChain).verdict(Verdict.jump(markMasq.name())).build());
            } else {
                if (detectsLocal()) {
                    rules.add(local(Rule.in(extChain), false).verdict(Verdict.goTo(clusterChain.name())).comment("short-circuit pod traffic")
                            .build());
                }
                rules.add(Rule.in(extChain).fibSaddrTypeLocal().verdict(Verdict.jump(markMasq.name())).comment("masquerade local traffic")
                        .build());
                rules.add(Rule.in(extChain).fibSaddrTypeLocal().verdict(Verdict.goTo(clusterChain.name()))
                        .comment("short-circuit local traffic").build());
            }
            if (hasExternal) {
                rules.add(Rule.in(extChain).verdict(Verdict.goTo(externalPolicyChain.name())).build());
            }
        }
        if (usesFw) {
            List<String> sources = new ArrayList<>();
            boolean allowFromNode = false;
            for (Cidr c : s.loadBalancerSourceRanges()) {
                sources.add(c.toString());
                allowFromNode |= nodeIps.stream().anyMatch(c::contains);
            }
            if (allowFromNode) {
                s.loadBalancerIps().forEach(ip -> sources.add(ip.toString()));
            }
            rules.add(Rule.in(fwChain).notInValues(saddr, sources).verdict(Verdict.DROP).build());
        }
        List<NftSet> affinitySets = new ArrayList<>();
        int timeout = s.sessionAffinity().timeoutSeconds();
        if (s.sessionAffinity().isClientIp()) {
            for (Endpoint e : reachable.values()) {
                affinitySets.add(affinitySet(s, e, timeout));
            }
        }
        if (usesCluster) {
            policyRules(s, clusterChain, clusterEps, endpointChain, rules);
        }
        if (usesLocal) {
            policyRules(s, localChain, localEps, endpointChain, rules);
        }
        for (Endpoint e : reachable.values()) {
            Chain ep = endpointChain.apply(e);
            rules.add(Rule.in(ep).match(saddr, e.ip().toString()).verdict(Verdict.jump(markMasq.name())).build());
            if (s.sessionAffinity().isClientIp()) {
                rules.add(Rule.in(ep).update(affinitySet(s, e, timeout), saddr, Optional.empty()).build());
            }
            rules.add(Rule.in(ep).match(Field.META_L4PROTO, proto).dnat(e.ip(), e.port()).build());
        }
        return new ServiceLayout(chains, affinitySets, rules, elements);
    }

    private NftSet affinitySet(VirtualService s, Endpoint e, int timeoutSeconds) {
        return NftSet.set(table, KubeNftNames.affinity(s.name(), s.protocol(), e), addr)
                .withFlags(NftSet.Flag.DYNAMIC, NftSet.Flag.TIMEOUT).withTimeout(Duration.ofSeconds(timeoutSeconds));
    }

    /**
     * A policy chain: the affinity checks first, then {@code numgen random mod N vmap { ... }} over the endpoints. A
     * scheduler's weights become slots: each endpoint gets weight/gcd slots of the map, which splits new connections
     * exactly in the weights' proportions (kube-proxy's equal split is one slot each).
     */
    private void policyRules(VirtualService s, Chain chain, List<Endpoint> endpoints, Function<Endpoint, Chain> endpointChain,
                             List<Rule> rules) {
        Scheduler scheduler = Schedulers.find(s.scheduler());
        List<WeightedEndpoint> split = Schedulers.schedule(scheduler, NftablesBackendProvider.NAME, s, endpoints).stream()
                .filter(w -> w.weight() > 0).toList();
        if (split.isEmpty()) {
            throw new InvalidInputException("scheduler " + scheduler.name() + " gave every endpoint weight 0", s.name().toString());
        }
        if (s.sessionAffinity().isClientIp()) {
            for (WeightedEndpoint w : split) {
                rules.add(Rule.in(chain).inSet(affinitySet(s, w.endpoint(), s.sessionAffinity().timeoutSeconds()), saddr)
                        .verdict(Verdict.goTo(endpointChain.apply(w.endpoint()).name())).build());
            }
        }
        long gcd = 0;
        for (WeightedEndpoint w : split) {
            gcd = java.math.BigInteger.valueOf(gcd).gcd(java.math.BigInteger.valueOf(w.weight())).longValue();
        }
        long slots = 0;
        for (WeightedEndpoint w : split) {
            slots += w.weight() / gcd;
        }
        if (slots > MAX_SLOTS) {
            throw new InvalidInputException("the scheduler's weights need " + slots + " numgen slots to split exactly (at most "
                    + MAX_SLOTS + ")", s.name().toString());
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (WeightedEndpoint w : split) {
            Verdict to = Verdict.goTo(endpointChain.apply(w.endpoint()).name());
            for (long i = 0; i < w.weight() / gcd; i++) {
                verdicts.add(to);
            }
        }
        rules.add(Rule.in(chain).numgenVmap(verdicts).build());
    }
}
