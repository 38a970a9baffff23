// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.demo;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.nftables.Element;
import dev.svcproxy.nftables.Expr;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableContents;
import dev.svcproxy.nftables.Verdict;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.PacketTracer;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.k8s.ClusterSnapshot;
import dev.svcproxy.k8s.ServiceTables;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The main job, {@code svcproxy demo}: how a Service works, with no cluster. A throw-away "node" namespace and three
 * "pod" namespaces running small HTTP servers, the Service {@code default/nginx-service} (ClusterIP
 * {@code 10.101.57.97:80}) and its EndpointSlice run through the proxy's own path (manifests, translation, the
 * iptables backend), the rules it installed explained, {@code connections} HTTP requests to the ClusterIP and how
 * they spread, a few requests from a client outside the pod CIDR (masqueraded), and one packet traced through the
 * rules. Everything is deleted at the end, also on Ctrl-C.
 */
public final class ServiceVipDemo {
    public static final String VIP = "10.101.57.97";
    public static final int PORT = 80;
    public static final String SERVICE = "default/nginx-service";
    /** The node's name; the pods run on it, so their endpoints are local (hairpin, KUBE-LOOP-BACK). */
    static final String NODE = "demo-node";
    public static final Map<String, String> PODS = new LinkedHashMap<>(Map.of(
            "pod27", "10.244.0.27", "pod28", "10.244.0.28", "pod30", "10.244.0.30"));
    static final String MANIFESTS = String.join("\n",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: nginx-service, namespace: default}",
            "spec: {clusterIP: " + VIP + ", ports: [{port: " + PORT + ", protocol: TCP}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: nginx-service-1, namespace: default, labels: {kubernetes.io/service-name: nginx-service}}",
            "addressType: IPv4",
            "ports: [{port: " + PORT + ", protocol: TCP}]",
            "endpoints: [{addresses: [10.244.0.27], nodeName: " + NODE + "}, {addresses: [10.244.0.28], nodeName: " + NODE + "},"
                    + " {addresses: [10.244.0.30], nodeName: " + NODE + "}]",
            "");
    private static final int STEPS = 6;

    /** What the demo observed. */
    public record Result(Map<String, Integer> hitsFromNode, Set<String> sourcesSeenFromClient, int clientConnections,
                         String rules, PacketTracer.Trace trace) {
    }

    private ServiceVipDemo() {
    }

    public static void main(String[] args) {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        print(run("svcp-demo-" + ProcessHandle.current().pid(), connections, progress(System.err)), connections, System.out);
    }

    /** A progress line per step on {@code out}: {@code [3/6] sending 300 HTTP requests ...}. */
    public static Consumer<String> progress(PrintStream out) {
        int[] step = {0};
        return text -> {
            step[0]++;
            out.printf("[%d/%d] %s%n", step[0], STEPS, text); // a line each: the proxy's log lines interleave cleanly
            out.flush();
        };
    }

    /** Builds the namespaces, programs the service in iptables mode, sends traffic, deletes everything, and reports. */
    public static Result run(String prefix, int connections, Consumer<String> progress) {
        return run(prefix, connections, progress, "iptables");
    }

    /**
     * As above in {@code mode} {@code iptables} or {@code ipvs}. IPVS mode needs a kernel with IPVS: the
     * virtual server is bound to {@code kube-ipvs0}, rr spreads the requests, and the rules shown are the IPVS
     * table, the {@code KUBE-LOOP-BACK} ipset and the masquerade rules (there is no packet trace: IPVS is not
     * iptables).
     */
    public static Result run(String prefix, int connections, Consumer<String> progress, String mode) {
        progress.accept("creating a node namespace and 3 pod namespaces with HTTP servers");
        DemoTopology topo = new DemoTopology(prefix, PODS, PORT, true);
        boolean ipvs = mode.equals("ipvs");
        if (ipvs) { // as on a Kubernetes node: bridged pod traffic passes netfilter, so IPVS can un-NAT the replies
            topo.node().exec("modprobe", "br_netfilter");
            topo.node().sh("sysctl -qw net.bridge.bridge-nf-call-iptables=1 && ip link set lo up");
        }
        Thread onCtrlC = new Thread(() -> { // Ctrl-C: the running requests stop, and the namespaces go too
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            topo.close();
        }, "svcproxy-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try (topo) {
            progress.accept("running the proxy on Service " + SERVICE + " and its EndpointSlice");
            ServiceTable table = ServiceTables.build(ClusterSnapshot.parse(MANIFESTS, "demo"), NODE).table(IpFamily.IPV4);
            BackendContext ctx = BackendContext.builder().family(IpFamily.IPV4).netns(topo.node().path())
                    .localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16"))).build();
            try (ServiceProxyBackend backend = Backends.create(mode, ctx)) {
                if (ipvs) { // kube-proxy's IPVS setting: IPVS connections visible to conntrack, for the masquerade
                    topo.node().exec("sysctl", "-qw", "net.ipv4.vs.conntrack=1");
                }
                backend.sync(table);
            }
            progress.accept("sending " + connections + " HTTP requests from the node to " + VIP + ":" + PORT);
            Map<String, Integer> hits = new TreeMap<>();
            for (String line : get(topo.node(), connections)) {
                hits.merge(line.split(" ")[0], 1, Integer::sum);
            }
            progress.accept("sending 5 HTTP requests from a client outside the pod CIDR");
            List<String> fromClient = get(topo.client(), 5);
            Set<String> sources = new TreeSet<>();
            fromClient.forEach(l -> sources.add(l.split(" ")[1]));
            boolean nftables = mode.equals("nftables");
            progress.accept(ipvs || nftables ? "reading back what was installed" : "reading the rules back and tracing one packet through them");
            Ruleset state = IptablesClient.newBuilder().netns(topo.node().path()).build().save(Table.NAT);
            Result r;
            if (nftables) {
                r = new Result(hits, sources, fromClient.size(), explainNftables(topo), null);
            } else if (ipvs) {
                r = new Result(hits, sources, fromClient.size(), explainIpvs(topo, state), null);
            } else {
                PacketTracer.Trace trace = new PacketTracer(state, Set.of(IpAddress.parse(DemoTopology.NODE_BRIDGE_IP),
                        IpAddress.parse("192.168.77.1"))).trace(PacketTracer.Packet.arriving(DemoTopology.CLIENT_IP, VIP,
                        Protocol.TCP, PORT, "vethc"));
                r = new Result(hits, sources, fromClient.size(), explain(state), trace);
            }
            progress.accept("deleting the namespaces");
            return r;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** {@code count} HTTP GETs to the ClusterIP from {@code from}, one after the other; the bodies, one per answer. */
    private static List<String> get(dev.svcproxy.api.netns.NetworkNamespace from, int count) {
        String out = from.sh("i=0; while [ $i -lt " + count + " ]; do curl -s -m 2 http://" + VIP + ":" + PORT
                + "/; i=$((i+1)); done; true");
        return out.lines().filter(l -> l.startsWith("pod")).toList();
    }

    /** The service's path through the nat table, each rule followed by what it does. */
    static String explain(Ruleset nat) {
        java.util.function.Function<String, String> dnatOf = sep -> nat.dnat(Table.NAT, sep)
                .map(dev.svcproxy.iptables.Target.Dnat::destination).orElse(sep);
        StringBuilder b = new StringBuilder();
        String svcChain = null;
        for (Rule r : nat.rules(Table.NAT, "KUBE-SERVICES")) {
            if (r.toString().contains(VIP)) {
                svcChain = r.target().flatMap(t -> t.chain()).map(Object::toString).orElse(null);
                line(b, r, "packets to the ClusterIP " + VIP + ":" + PORT + " enter the service's chain");
            }
        }
        if (svcChain != null) {
            List<Rule> svc = nat.rules(Table.NAT, svcChain);
            List<Rule> picks = svc.stream().filter(r -> r.target().flatMap(t -> t.chain()).map(c -> c.name().startsWith("KUBE-SEP-"))
                    .orElse(false)).toList();
            for (Rule r : svc) {
                String to = r.target().flatMap(t -> t.chain()).map(Object::toString).orElse("");
                int i = picks.indexOf(r);
                if (to.equals("KUBE-MARK-MASQ")) {
                    line(b, r, "from outside the pod CIDR 10.244.0.0/16: mark for masquerade");
                } else if (i >= 0) {
                    int left = picks.size() - i;
                    line(b, r, (left == 1 ? "the rest" : "1/" + left + (i == 0 ? "" : " of the rest"))
                            + " (1/" + picks.size() + " of all connections) -> " + dnatOf.apply(to));
                }
            }
            for (Rule p : picks) {
                String sep = p.target().flatMap(t -> t.chain()).map(Object::toString).orElseThrow();
                for (Rule r : nat.rules(Table.NAT, sep)) {
                    line(b, r, r.toString().contains("KUBE-MARK-MASQ") ? "a pod reaching itself (hairpin): masquerade"
                            : "rewrite the destination to the pod " + dnatOf.apply(sep));
                }
            }
        }
        for (Rule r : nat.rules(Table.NAT, "KUBE-MARK-MASQ")) {
            line(b, r, "set the masquerade mark 0x4000");
        }
        for (Rule r : nat.rules(Table.NAT, "KUBE-POSTROUTING")) {
            String t = r.toString();
            line(b, r, t.contains("MASQUERADE") ? "masquerade: the source becomes the node's address"
                    : t.contains("RETURN") ? "unmarked packets leave as they are" : "clear the mark");
        }
        return b.toString();
    }

    /**
     * nftables mode: the {@code service-ips} element of the ClusterIP, the service's chain and its {@code numgen} map,
     * the endpoint chains, and the chains that masquerade, each line as {@code nft list} prints it.
     */
    static String explainNftables(DemoTopology topo) {
        StringBuilder b = new StringBuilder();
        try (NftablesClient c = NftablesClient.open(topo.node().path())) {
            TableContents t = c.list(Family.IP, "kube-proxy").orElseThrow();
            Element e = t.sets().stream().filter(s -> s.set().name().equals("service-ips")).flatMap(s -> s.elements().stream())
                    .filter(x -> x.key().get(0).equals(VIP)).findFirst().orElseThrow();
            String svc = e.verdict().flatMap(Verdict::chain).orElseThrow();
            nft(b, "map service-ips: " + e, "chain services looks up ip daddr . meta l4proto . th dport here: one lookup, however many services");
            List<String> endpoints = new ArrayList<>();
            for (dev.svcproxy.nftables.Rule r : t.rules(svc)) {
                String s = r.statements();
                if (s.startsWith("numgen")) {
                    r.exprs().stream().filter(x -> x instanceof Expr.Lookup l && l.anonymous().isPresent())
                            .flatMap(x -> ((Expr.Lookup) x).anonymous().orElseThrow().elements().stream())
                            .sorted(java.util.Comparator.comparing(x -> Integer.parseInt(x.key().get(0))))
                            .forEach(x -> endpoints.add(x.verdict().flatMap(Verdict::chain).orElseThrow()));
                    nft(b, "chain " + svc + ": " + s, "one of the " + endpoints.size() + " endpoint chains at random (1/"
                            + endpoints.size() + " of all connections each)");
                } else {
                    nft(b, "chain " + svc + ": " + s, "from outside the pod CIDR 10.244.0.0/16: mark for masquerade");
                }
            }
            for (String ep : endpoints) {
                for (dev.svcproxy.nftables.Rule r : t.rules(ep)) {
                    String s = r.statements();
                    nft(b, "chain " + ep + ": " + s, s.contains("dnat") ? "rewrite the destination to the pod " + s.substring(s.indexOf("dnat to ") + 8)
                            : "a pod reaching itself (hairpin): masquerade");
                }
            }
            for (dev.svcproxy.nftables.Rule r : t.rules("mark-for-masquerade")) {
                nft(b, "chain mark-for-masquerade: " + r.statements(), "set the masquerade mark 0x4000");
            }
            for (dev.svcproxy.nftables.Rule r : t.rules("masquerading")) {
                String s = r.statements();
                nft(b, "chain masquerading: " + s, s.startsWith("masquerade") ? "masquerade: the source becomes the node's address"
                        : s.endsWith("return") ? "unmarked packets leave as they are" : "clear the mark");
            }
        }
        return b.toString();
    }

    private static void nft(StringBuilder b, String line, String why) {
        b.append(line).append('\n').append("    ^ ").append(why).append('\n');
    }

    /** IPVS mode: the virtual server and its real servers, the hairpin ipset, and the rules that masquerade. */
    static String explainIpvs(DemoTopology topo, Ruleset nat) {
        StringBuilder b = new StringBuilder("ipvsadm -L -n (the virtual server on kube-ipvs0, rr over the pods, masquerading):\n");
        topo.node().exec("ipvsadm", "-L", "-n", "-t", VIP + ":" + PORT).lines().forEach(l -> b.append("  ").append(l).append('\n'));
        b.append("ip addr show kube-ipvs0: ").append(topo.node().exec("ip", "-4", "-o", "addr", "show", "kube-ipvs0").lines()
                .map(l -> l.replaceAll(".* inet (\\S+) .*", "$1")).toList()).append(" (the ClusterIP is a local address)\n");
        b.append("ipset KUBE-LOOP-BACK (pod -> its own service: masquerade, so the reply comes back through the node):\n");
        topo.node().exec("ipset", "list", "KUBE-LOOP-BACK").lines().dropWhile(l -> !l.startsWith("Members:")).skip(1)
                .forEach(l -> b.append("  ").append(l).append('\n'));
        for (String chain : List.of("KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-MARK-MASQ")) {
            for (Rule r : nat.rules(Table.NAT, chain)) {
                String t = r.toString();
                if (t.contains("KUBE-CLUSTER-IP") && t.contains("KUBE-MARK-MASQ")) {
                    line(b, r, "to the ClusterIP from outside the pod CIDR: mark for masquerade");
                } else if (t.contains("KUBE-LOOP-BACK")) {
                    line(b, r, "hairpin: a pod reaching itself is masqueraded");
                } else if (chain.equals("KUBE-MARK-MASQ")) {
                    line(b, r, "set the masquerade mark 0x4000");
                } else if (t.contains("MASQUERADE")) {
                    line(b, r, "masquerade marked packets: the source becomes the node's address");
                }
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, Rule r, String why) {
        b.append(r).append('\n').append("    ^ ").append(why).append('\n');
    }

    /** Prints what the demo saw, for a reader. */
    public static void print(Result r, int connections, PrintStream out) {
        out.println("== what svcproxy installed for " + SERVICE + " in the node namespace");
        out.print(r.rules());
        out.println();
        out.println("== " + connections + " HTTP requests from the node to " + VIP + ":" + PORT);
        r.hitsFromNode().forEach((pod, n) -> out.printf(Locale.ROOT, "  %-6s %-12s %4d  %5.1f%%  %s%n", pod, PODS.get(pod), n,
                100.0 * n / connections, "#".repeat(Math.max(0, n * 40 / Math.max(1, connections)))));
        out.println();
        out.println("== " + r.clientConnections() + " HTTP requests from a client outside the pod CIDR (" + DemoTopology.CLIENT_IP + ")");
        out.println("  the pods saw them coming from " + r.sourcesSeenFromClient() + " (the node's address: masqueraded)");
        out.println();
        if (r.trace() != null) {
            out.println("== the path of one client packet, traced through the rules");
            r.trace().steps().forEach(s -> out.println("  " + s));
            out.println("  possible destinations " + r.trace().destinations() + ", masquerade " + r.trace().masquerade()
                    + ", verdict " + r.trace().verdict());
            out.println();
        }
        out.println("Everything the demo made (namespaces, servers, rules) is deleted.");
    }
}
