// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.WeightedEndpoint;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The rules of one service port, in the order kube-proxy's {@code syncProxyRules} writes them: the cluster IP,
 * external IPs, load-balancer IPs and node port captures (or their filter REJECT/DROP rules), the health-check
 * node port, then the chains {@code KUBE-EXT-*}, {@code KUBE-FW-*}, {@code KUBE-SVC-*}, {@code KUBE-SVL-*} and
 * {@code KUBE-SEP-*}. Everything is built before anything is handed out, so a service that fails leaves nothing.
 */
final class KubeServiceRules {
    /** A rule of the filter table in {@link #write}'s output (every other entry is of the nat table). */
    record Filter(Rule rule) {
    }

    private final VirtualService s;
    private final BackendContext context;
    private final Scheduler scheduler;
    private final List<IpAddress> nodeIps;
    private final boolean countLocalhostNodePorts;
    private final boolean largeCluster;
    private final String name;
    private final List<Object> ops = new ArrayList<>();
    /** Each endpoint's {@code KUBE-SEP-*} name, made once: the policy chains' jumps and the chain itself share it. */
    private final Map<Endpoint, ChainName> endpointChains = new HashMap<>();

    KubeServiceRules(VirtualService s, BackendContext context, Scheduler scheduler, List<IpAddress> nodeIps,
                     boolean countLocalhostNodePorts, boolean largeCluster) {
        this.s = s;
        this.largeCluster = largeCluster;
        this.countLocalhostNodePorts = countLocalhostNodePorts;
        this.context = context;
        this.scheduler = scheduler;
        this.nodeIps = nodeIps;
        this.name = s.name().toString();
    }

    private void chain(ChainName c) {
        ops.add(c);
    }

    private void nat(Rule r) {
        ops.add(r);
    }

    private void filter(Rule r) {
        ops.add(new Filter(r));
    }

    private ChainName endpointChain(Endpoint e) {
        return endpointChains.computeIfAbsent(e, x -> KubeChains.endpoint(s.name(), s.protocol(), x));
    }

    /** {@code -m comment --comment C -m PROTO -p PROTO -d IP --dport PORT}, the start of most capture rules. */
    private Rule.Builder capture(ChainName chain, String comment, IpAddress ip, int port) {
        return Rule.in(chain).comment(comment).protocolModule(s.protocol()).destination(Cidr.of(ip), false).dport(port);
    }

    /**
     * The service's rules, in order: a {@link ChainName} is a nat chain to create (flush), a {@link Rule} a nat rule
     * to append, a {@link Filter} a filter rule. One exact-size array and no wrapper per nat rule, because the proxy
     * keeps it for every service between syncs (at 10,000 services x 10 endpoints: 310,000 rules, 110,000 chains).
     *
     * @return the service's chains and rules, in the order kube-proxy writes them
     */
    Object[] write() {
        boolean external = s.isExternallyAccessible();
        boolean itpLocal = s.internalTrafficPolicy() == TrafficPolicy.LOCAL;
        boolean etpLocal = external && s.externalTrafficPolicy() == TrafficPolicy.LOCAL;
        List<Endpoint> cluster = s.clusterEndpoints().stream().sorted().toList();
        List<Endpoint> local = s.localEndpoints().stream().sorted().toList();
        boolean hasEndpoints = s.hasAnyEndpoints();
        ChainName svc = KubeChains.service(s.name(), s.protocol());
        ChainName svl = KubeChains.serviceLocal(s.name(), s.protocol());
        ChainName ext = KubeChains.external(s.name(), s.protocol());
        ChainName fw = KubeChains.firewall(s.name(), s.protocol());
        ChainName internalChain = itpLocal ? svl : svc;
        boolean hasInternal = hasEndpoints && (!itpLocal || !local.isEmpty());
        ChainName externalPolicyChain = etpLocal ? svl : svc;
        boolean hasExternal = hasEndpoints && (!etpLocal || !local.isEmpty());
        boolean usesExt = hasEndpoints && external;
        boolean usesFw = hasEndpoints && !s.loadBalancerIps().isEmpty() && !s.loadBalancerSourceRanges().isEmpty();
        ChainName lbChain = usesFw ? fw : ext;
        String noEndpoints = hasEndpoints ? name + " has no local endpoints" : name + " has no endpoints";
        Function<Rule.Builder, Rule> filterVerdict = b -> hasEndpoints ? b.drop() : b.reject();

        s.clusterIp().ifPresent(ip -> {
            if (hasInternal) {
                nat(capture(KubeChains.SERVICES, name + " cluster IP", ip, s.port()).jump(internalChain));
            } else {
                filter(filterVerdict.apply(capture(KubeChains.SERVICES, noEndpoints, ip, s.port())));
            }
        });
        for (IpAddress ip : s.externalIps()) {
            if (hasEndpoints) {
                nat(capture(KubeChains.SERVICES, name + " external IP", ip, s.port()).jump(ext));
            }
            if (!hasExternal) {
                filter(filterVerdict.apply(capture(KubeChains.EXTERNAL_SERVICES, noEndpoints, ip, s.port())));
            }
        }
        for (IpAddress ip : s.loadBalancerIps()) {
            if (hasEndpoints) {
                nat(capture(KubeChains.SERVICES, name + " loadbalancer IP", ip, s.port()).jump(lbChain));
            }
            if (usesFw) {
                filter(capture(KubeChains.PROXY_FIREWALL, name + " traffic not accepted by " + fw, ip, s.port()).drop());
            }
        }
        if (!hasExternal) {
            for (IpAddress ip : s.loadBalancerIps()) {
                filter(filterVerdict.apply(capture(KubeChains.EXTERNAL_SERVICES, noEndpoints, ip, s.port())));
            }
        }
        if (s.nodePort() != 0) {
            if (hasEndpoints) {
                if (countLocalhostNodePorts) {
                    nat(Rule.in(KubeChains.NODEPORTS).comment(name).protocolModule(s.protocol())
                            .destination(Cidr.parse("127.0.0.0/8"), false).dport(s.nodePort())
                            .nfacct(KubeProxyRules.COUNTER_LOCALHOST).jump(ext));
                }
                nat(Rule.in(KubeChains.NODEPORTS).comment(name).protocolModule(s.protocol()).dport(s.nodePort()).jump(ext));
            }
            if (!hasExternal) {
                filter(filterVerdict.apply(Rule.in(KubeChains.EXTERNAL_SERVICES).comment(noEndpoints)
                        .dstType(Match.AddrType.LOCAL).protocolModule(s.protocol()).dport(s.nodePort())));
            }
        }
        if (s.healthCheckNodePort() != 0) {
            filter(Rule.in(KubeChains.NODEPORTS).comment(name + " health check node port")
                    .protocolModule(dev.svcproxy.api.net.Protocol.TCP).dport(s.healthCheckNodePort()).accept());
        }
        if (!hasEndpoints) {
            return ops.toArray();
        }
        if (hasInternal && s.clusterIp().isPresent()) {
            IpAddress ip = s.clusterIp().get();
            if (context.masqueradeAll()) {
                nat(capture(internalChain, name + " cluster IP", ip, s.port()).jump(KubeChains.MARK_MASQ));
            } else if (!(context.localTraffic() instanceof LocalTraffic.None)) {
                nat(LocalMatch.ifNotLocal(capture(internalChain, name + " cluster IP", ip, s.port()), context).jump(KubeChains.MARK_MASQ));
            }
        }
        if (usesExt) {
            chain(ext);
            if (!etpLocal) {
                nat(Rule.in(ext).comment("masquerade traffic for " + name + " external destinations").jump(KubeChains.MARK_MASQ));
            } else {
                if (!(context.localTraffic() instanceof LocalTraffic.None)) {
                    nat(LocalMatch.ifLocal(Rule.in(ext).comment("pod traffic for " + name + " external destinations"), context).jump(svc));
                }
                nat(Rule.in(ext).comment("masquerade LOCAL traffic for " + name + " external destinations")
                        .srcType(Match.AddrType.LOCAL).jump(KubeChains.MARK_MASQ));
                nat(Rule.in(ext).comment("route LOCAL traffic for " + name + " external destinations")
                        .srcType(Match.AddrType.LOCAL).jump(svc));
            }
            if (hasExternal) {
                nat(Rule.in(ext).jump(externalPolicyChain));
            }
        }
        if (usesFw) {
            chain(fw);
            boolean allowFromNode = false;
            for (Cidr c : s.loadBalancerSourceRanges()) {
                nat(Rule.in(fw).comment(name + " loadbalancer IP").source(c, false).jump(ext));
                allowFromNode |= nodeIps.stream().anyMatch(c::contains);
            }
            if (allowFromNode) {
                for (IpAddress ip : s.loadBalancerIps()) {
                    nat(Rule.in(fw).comment(name + " loadbalancer IP").source(Cidr.of(ip), false).jump(ext));
                }
            }
            nat(Rule.in(fw).comment("other traffic to " + name + " will be dropped by KUBE-PROXY-FIREWALL").noTarget());
        }
        boolean usesCluster = !cluster.isEmpty() && (!itpLocal || external); // kube-proxy's UsesClusterEndpoints
        boolean usesLocal = !local.isEmpty() && (itpLocal || etpLocal);
        TreeMap<String, Endpoint> reachable = new TreeMap<>();
        if (usesCluster) {
            policyChain(svc, cluster);
            cluster.forEach(e -> reachable.put(e.toString(), e));
        }
        if (usesLocal) {
            policyChain(svl, local);
            local.forEach(e -> reachable.putIfAbsent(e.toString(), e));
        }
        for (Endpoint e : reachable.values()) {
            ChainName sep = endpointChain(e);
            chain(sep);
            nat(endpointRule(sep, name).source(Cidr.of(e.ip()), false).jump(KubeChains.MARK_MASQ));
            Rule.Builder dnat = endpointRule(sep, name);
            if (s.sessionAffinity().isClientIp()) {
                dnat.match(Match.recentSet(sep.name()));
            }
            nat(dnat.protocolModule(s.protocol()).dnat(e.hostPort()));
        }
        return ops.toArray();
    }

    /**
     * A per-endpoint rule: with its comment, except in kube-proxy's large-cluster mode (more than
     * {@value KubeProxyRules#LARGE_CLUSTER_ENDPOINTS} endpoints in all), which leaves these comments out.
     */
    private Rule.Builder endpointRule(ChainName chain, String comment) {
        Rule.Builder b = Rule.in(chain);
        return largeCluster ? b : b.comment(comment);
    }

    /** A policy chain: affinity checks first, then the random split over the scheduler's weights. */
    private void policyChain(ChainName chain, List<Endpoint> endpoints) {
        chain(chain);
        List<WeightedEndpoint> split = Schedulers.schedule(scheduler, IptablesBackendProvider.NAME, s, endpoints).stream()
                .filter(w -> w.weight() > 0).toList();
        int affinity = s.sessionAffinity().timeoutSeconds();
        if (s.sessionAffinity().isClientIp()) {
            for (WeightedEndpoint w : split) {
                ChainName sep = endpointChain(w.endpoint());
                nat(endpointRule(chain, name + " -> " + w.endpoint()).match(Match.recentCheck(sep.name(), affinity)).jump(sep));
            }
        }
        long remaining = split.stream().mapToLong(WeightedEndpoint::weight).sum();
        for (int i = 0; i < split.size(); i++) {
            WeightedEndpoint w = split.get(i);
            Rule.Builder b = endpointRule(chain, name + " -> " + w.endpoint());
            if (i < split.size() - 1) {
                b.probability((double) w.weight() / remaining);
            }
            remaining -= w.weight();
            nat(b.jump(endpointChain(w.endpoint())));
        }
    }
}
