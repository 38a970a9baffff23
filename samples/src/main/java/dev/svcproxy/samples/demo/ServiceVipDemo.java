package dev.svcproxy.samples.demo;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
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
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The seed example: ClusterIP {@code 10.101.57.97:80} in a "node" namespace, load-balanced by kube-proxy's iptables
 * rules (written by this SDK, found through the backend SPI) over three "pod" namespaces; {@code connections}
 * connections from the node and a few from a client outside the pod CIDR, which the pods see masqueraded.
 */
public final class ServiceVipDemo {
    public static final String VIP = "10.101.57.97";
    public static final int PORT = 80;
    public static final Map<String, String> PODS = new LinkedHashMap<>(Map.of(
            "pod27", "10.244.0.27", "pod28", "10.244.0.28", "pod30", "10.244.0.30"));

    /** What the demo observed. */
    public record Result(Map<String, Integer> hitsFromNode, Set<String> sourcesSeenFromClient, int clientConnections,
                         String rules, PacketTracer.Trace trace) {
    }

    private ServiceVipDemo() {
    }

    public static void main(String[] args) {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Result r = run("svcp-demo-" + ProcessHandle.current().pid(), connections);
        print(r, connections, System.out);
    }

    /** Builds the namespaces, programs the service, sends traffic, deletes everything, and reports. */
    public static Result run(String prefix, int connections) {
        try (DemoTopology topo = new DemoTopology(prefix, PODS, PORT)) {
            BackendContext ctx = BackendContext.builder().family(IpFamily.IPV4).netns(topo.node().path())
                    .localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16"))).build();
            ServiceTable table = ServiceTable.builder().family(IpFamily.IPV4)
                    .addService(VirtualService.builder().name(ServicePortName.parse("default/web:http"))
                            .protocol(Protocol.TCP).port(PORT).clusterIp(IpAddress.parse(VIP))
                            .addAllClusterEndpoints(PODS.values().stream().map(ip -> Endpoint.parse(ip + ":" + PORT)).toList())
                            .build())
                    .build();
            try (ServiceProxyBackend backend = Backends.create("iptables", ctx)) {
                backend.sync(table);
            }
            Map<String, Integer> hits = new TreeMap<>();
            for (String line : topo.connect(topo.node(), VIP + ":" + PORT, connections)) {
                hits.merge(line.split(" ")[0], 1, Integer::sum);
            }
            List<String> fromClient = topo.connect(topo.client(), VIP + ":" + PORT, 5);
            Set<String> sources = new TreeSet<>();
            fromClient.forEach(l -> sources.add(l.split(" ")[1]));
            Ruleset state = IptablesClient.newBuilder().netns(topo.node().path()).build().save(Table.NAT);
            PacketTracer.Trace trace = new PacketTracer(state, Set.of(IpAddress.parse(DemoTopology.NODE_BRIDGE_IP),
                    IpAddress.parse("192.168.77.1"))).trace(PacketTracer.Packet.arriving(DemoTopology.CLIENT_IP, VIP,
                    Protocol.TCP, PORT, "vethc"));
            return new Result(hits, sources, fromClient.size(), state.only("KUBE-").render(), trace);
        }
    }

    static void print(Result r, int connections, PrintStream out) {
        out.println("== kube-proxy rules written by svcproxy into the node namespace (iptables-save -t nat, KUBE-* chains)");
        out.print(r.rules());
        out.println();
        out.println("== " + connections + " connections from the node to " + VIP + ":" + PORT);
        r.hitsFromNode().forEach((pod, n) -> out.printf("  %-6s %-12s %4d  %5.1f%%  %s%n", pod, PODS.get(pod), n,
                100.0 * n / connections, "#".repeat(Math.max(0, n * 40 / Math.max(1, connections)))));
        out.println();
        out.println("== " + r.clientConnections() + " connections from a client outside the pod CIDR (" + DemoTopology.CLIENT_IP + ")");
        out.println("  the pods saw them coming from " + r.sourcesSeenFromClient() + " (the node's address: masqueraded)");
        out.println();
        out.println("== why: the path of one client packet, traced through the rules");
        r.trace().steps().forEach(s -> out.println("  " + s));
        out.println("  possible destinations " + r.trace().destinations() + ", masquerade " + r.trace().masquerade()
                + ", verdict " + r.trace().verdict());
    }
}
