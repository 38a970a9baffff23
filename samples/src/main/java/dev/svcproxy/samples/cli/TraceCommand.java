// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.PacketTracer;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.Target;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import dev.svcproxy.k8s.KubeProxy;
import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.netlink.route.RouteClient;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code svcproxy trace --src IP --dst IP:PORT [--proto tcp] [--manifests PATH]}: where one packet goes through the
 * iptables rules in force in this namespace, or through the rules a full sync of the manifests would write (with
 * the jump rules from the built-in chains): every rule it passes, each endpoint's share, DNAT, masquerade, and the
 * verdict with the rule that decided it. A source that is one of this host's addresses traces a locally sent packet
 * (nat OUTPUT), any other one a packet arriving from outside (nat PREROUTING).
 */
final class TraceCommand {

    private TraceCommand() {
    }

    /**
     * Traces through the rules {@code proxy} would write (its source: the manifests), or those in force when it is null:
     * kube-proxy's nftables table in nftables mode, or in force when this namespace has that table and no iptables
     * service rules; the iptables rules otherwise.
     */
    static int run(CommandLine cl, ProxyConfig config, KubeProxy proxy, PrintStream out) {
        try (proxy) {
            IpAddress src = IpAddress.parse(cl.get("src").orElseThrow(() -> new InvalidInputException("is required", "--src")));
            HostPort dst = HostPort.parse(cl.get("dst").orElseThrow(() -> new InvalidInputException("is required", "--dst")));
            Protocol proto = Protocol.parse(cl.get("proto").orElse("tcp").toUpperCase(Locale.ROOT));
            if (src.family() != dst.ip().family()) {
                throw new InvalidInputException("source and destination are of different IP families", "--src " + src);
            }
            boolean nftables = config.mode().equals("nftables") || proxy == null && nftablesInForce(dst.ip().family());
            return nftables ? NftTrace.trace(src, dst, proto, proxy, cl, out) : trace(src, dst, proto, cl, proxy, out);
        }
    }

    /** This namespace has kube-proxy's nftables table of {@code family} and no iptables service rules. */
    private static boolean nftablesInForce(IpFamily family) {
        try (dev.svcproxy.nftables.NftablesClient nft = dev.svcproxy.nftables.NftablesClient.open()) {
            return nft.tables().stream().anyMatch(t -> t.name().equals(dev.svcproxy.nftables.kube.KubeNftLayout.TABLE)
                    && t.family() == (family == IpFamily.IPV4 ? dev.svcproxy.nftables.Family.IP : dev.svcproxy.nftables.Family.IP6))
                    && IptablesClient.newBuilder().family(family).build().chains(Table.NAT).stream()
                    .noneMatch(c -> c.name().equals("KUBE-SERVICES"));
        }
    }

    /** This host's addresses, to tell a packet it sends from one that arrives. */
    static Set<IpAddress> localAddresses() {
        Set<IpAddress> local = new LinkedHashSet<>();
        try (RouteClient route = RouteClient.open()) {
            route.addresses().forEach(a -> local.add(a.address()));
        }
        return local;
    }

    private static int trace(IpAddress src, HostPort dst, Protocol proto, CommandLine cl, KubeProxy proxy, PrintStream out) {
        IpFamily family = dst.ip().family();
        Ruleset rules;
        Set<IpAddress> local = new LinkedHashSet<>();
        String where;
        if (proxy != null) {
            String manifests = cl.get("manifests").orElseThrow();
            ServiceTable table = proxy.tables().table(family);
            local.addAll(table.nodeIps());
            KubeProxyRules kube = new KubeProxyRules(proxy.context(family), true);
            rules = Ruleset.parse(withJumps(kube.fullSync(table, List.of(), new java.util.ArrayList<>()).render(), kube, family), family);
            where = "the rules a full sync of " + manifests + " would write";
        } else {
            rules = IptablesClient.newBuilder().family(family).build().save(Table.NAT, Table.FILTER);
            local.addAll(localAddresses());
            where = "the rules in force in this network namespace";
        }
        boolean fromHere = local.contains(src) || src.isLoopback();
        PacketTracer.Packet packet = new PacketTracer.Packet(src, dst.ip(), proto, 40000, dst.port(),
                fromHere ? Optional.empty() : Optional.of("eth0"), fromHere);
        PacketTracer.Trace trace = new PacketTracer(rules, local).trace(packet);
        out.printf("packet %s:40000 -> %s %s, %s, through %s%n", src, dst, proto.lowerName(),
                fromHere ? "sent by this host" : "arriving from outside", where);
        report(out, trace.steps().stream().map(Object::toString).toList(), shares(rules, trace), trace.dnat().map(Object::toString),
                trace.masquerade(), trace.verdict().toString());
        out.flush();
        return 0;
    }

    /**
     * What a trace found, in both modes' words: the rules passed, each endpoint's share, the DNAT this trace took,
     * masquerade, and the verdict with the rule that decided it (the last one passed) unless it is ACCEPT.
     */
    static void report(PrintStream out, List<String> steps, Map<String, Double> shares, Optional<String> dnat, boolean masquerade,
                       String verdict) {
        steps.forEach(s -> out.println("  " + s));
        if (!shares.isEmpty()) {
            out.println("endpoints (share of new connections):");
            shares.forEach((ep, p) -> out.printf(Locale.ROOT, "  %-24s %5.1f%%%n", ep, 100 * p));
        }
        dnat.ifPresent(d -> out.println("DNAT: the destination becomes one of the endpoints above (this trace took " + d + ")"));
        out.println("masquerade: " + (masquerade ? "yes, the source becomes the node's address on the way out" : "no, the source address is kept"));
        String decided = verdict.equals("ACCEPT") || steps.isEmpty() ? "" : " by " + steps.get(steps.size() - 1);
        out.println("verdict: " + verdict + decided);
    }

    /** The payload with kube-proxy's jump rules from the built-in chains, which a restore payload leaves out. */
    private static String withJumps(String payload, KubeProxyRules kube, IpFamily family) {
        StringBuilder b = new StringBuilder();
        for (String line : payload.split("\n", -1)) {
            b.append(line).append('\n');
            Table t = line.equals("*nat") ? Table.NAT : line.equals("*filter") ? Table.FILTER : null;
            if (t != null) {
                for (String builtin : t == Table.NAT ? List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")
                        : List.of("INPUT", "FORWARD", "OUTPUT")) {
                    b.append(':').append(builtin).append(" ACCEPT [0:0]\n");
                }
                for (KubeProxyRules.JumpRule j : kube.jumpRules()) {
                    if (j.table() == t) {
                        b.append(j.rule().render(family)).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    /** Each endpoint's share: the {@code -m statistic} splits of the chain that chose among the DNATs. */
    private static Map<String, Double> shares(Ruleset rules, PacketTracer.Trace trace) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (PacketTracer.Step s : trace.steps()) {
            String chain = s.rule().chain().name();
            if (!chain.startsWith("KUBE-SVC-") && !chain.startsWith("KUBE-SVL-")) {
                continue;
            }
            double left = 1;
            for (Rule r : rules.rules(Table.NAT, chain)) {
                Optional<String> sep = r.target().flatMap(t -> t.chain()).map(Object::toString).filter(c -> c.startsWith("KUBE-SEP-"));
                if (sep.isEmpty() || r.matches().stream().anyMatch(m -> m instanceof Match.Recent)) {
                    continue;
                }
                double p = r.matches().stream().filter(m -> m instanceof Match.Statistic st && st.isRandom())
                        .map(m -> Double.parseDouble(((Match.Statistic) m).probability())).findFirst().orElse(1.0);
                String ep = rules.dnat(Table.NAT, sep.get()).map(Target.Dnat::destination).orElse(sep.get());
                out.merge(ep, left * p, Double::sum);
                left *= 1 - p;
            }
            return out;
        }
        return out;
    }
}
