// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.kube.NftablesBackend;
import dev.svcproxy.samples.demo.DemoTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * New connections per second through the node to the last of N ClusterIPs (default 10,000), in the iptables mode
 * (legacy and nft flavours where they load in time) and the nftables mode, in the same run, against the same
 * connections straight to the pod (no service): a client outside the node opens TCP connections one after the
 * other for 5 s to a port the pod does not listen on, so each is a SYN DNATed to the pod and a RST back (the work
 * of a new connection in the proxy's rules, without a server's cost). Arguments: services, seconds (5).
 */
public final class DatapathBench {
    private static final String POD = "10.244.0.27";

    private DatapathBench() {
    }

    static ServiceTable table(int services) {
        List<VirtualService> list = new ArrayList<>(services);
        for (int s = 0; s < services; s++) {
            list.add(VirtualService.builder().name(ServicePortName.of("ns" + s % 100, "svc" + s, "http")).protocol(Protocol.TCP).port(80)
                    .clusterIp(IpAddress.parse("10.96." + (s >> 8 & 0xff) + "." + (s & 0xff))).addClusterEndpoint(Endpoint.parse(POD + ":9"))
                    .build());
        }
        return ServiceTable.builder().family(IpFamily.IPV4).addAllServices(list).build();
    }

    /** Connection attempts per second from the client to {@code ip:port}, each answered (refused) by the pod. */
    static double rate(DemoTopology topo, String ip, int port, int seconds) {
        String out = topo.client().sh("python3 -c '\nimport socket,time\nend=time.time()+" + seconds + "\nn=0\nrefused=0\n"
                + "while time.time()<end:\n s=socket.socket()\n s.settimeout(1)\n try:\n  s.connect((\"" + ip + "\"," + port + "))\n"
                + " except ConnectionRefusedError:\n  refused+=1\n except OSError:\n  pass\n s.close()\n n+=1\n"
                + "print(n, refused)\n'").strip();
        String[] f = out.split(" ");
        if (Integer.parseInt(f[1]) < Integer.parseInt(f[0]) * 0.99) {
            throw new IllegalStateException("connections were not answered by the pod: " + out);
        }
        return Integer.parseInt(f[1]) / (double) seconds;
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ServiceTable table = table(services);
        String last = table.services().get(services - 1).clusterIp().orElseThrow().toString();
        try (DemoTopology topo = new DemoTopology("svcp-bench-dp-" + ProcessHandle.current().pid(), DemoTopology.pods(27), 80)) {
            NetworkNamespace node = topo.node();
            BackendContext ctx = BackendContext.builder().netns(node.path()).build();
            System.out.printf("services=%d, connections to the last ClusterIP %s:80 -> %s:9 for %d s each%n", services, last, POD, seconds);
            System.out.printf("no service (straight to the pod): %,.0f connections/s%n", rate(topo, POD, 9, seconds));
            for (String mode : List.of("nftables", "iptables-legacy")) {
                long t0 = System.nanoTime();
                try (ServiceProxyBackend backend = mode.equals("nftables") ? new NftablesBackend(NftablesClient.open(node.path()), ctx)
                        : new IptablesBackend(IptablesClient.newBuilder().netns(node.path()).flavour(Flavour.LEGACY).build(), ctx)) {
                    backend.sync(table);
                    double load = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("%-16s %,.0f connections/s (rules loaded in %.1f s)%n", mode + ":", rate(topo, last, 80, seconds), load);
                    backend.cleanup();
                }
            }
        }
    }
}
