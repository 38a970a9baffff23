// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real UDP and TCP flows from a "client" namespace to a "node" namespace whose iptables DNAT them to two local
 * "endpoints" (10.99.0.2 and 10.99.0.3), then deletions of one service's and one endpoint's entries, each checked
 * against the {@code conntrack} tool's own listing. Both namespaces are deleted afterwards.
 */
@Tag("kernel")
class KernelConntrackTest {
    private static final String SEND = String.join("\n",
            "import socket, sys",
            "for a in sys.argv[1:]:",
            "    proto, fam, sport, dst, dport = a.split(',')",
            "    af = socket.AF_INET6 if fam == '6' else socket.AF_INET",
            "    s = socket.socket(af, socket.SOCK_DGRAM if proto == 'udp' else socket.SOCK_STREAM)",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "    s.settimeout(3)",
            "    s.bind(('', int(sport)))",
            "    if proto == 'udp':",
            "        s.sendto(b'x', (dst, int(dport)))",
            "    else:",
            "        s.connect((dst, int(dport)))",
            "    s.close()");
    private static NetworkNamespace client;
    private static NetworkNamespace node;
    private static Process tcpServer;

    @BeforeAll
    static void flows() {
        String tag = "-" + ProcessHandle.current().pid();
        client = NetworkNamespace.create("svcp-test-ct-client" + tag);
        node = NetworkNamespace.create("svcp-test-ct-node" + tag);
        client.exec("ip", "link", "add", "name", "c0", "type", "veth", "peer", "name", "n0", "netns", node.name());
        client.sh("ip link set lo up && ip link set c0 up && ip addr add 10.99.0.1/24 dev c0"
                + " && ip -6 addr add fd00:99::1/64 dev c0 nodad"
                + " && ip route add 10.96.0.0/16 via 10.99.0.2 && ip -6 route add fd00:96::/64 via fd00:99::2");
        node.sh("ip link set lo up && ip link set n0 up && ip addr add 10.99.0.2/24 dev n0"
                + " && ip addr add 10.99.0.3/24 dev n0 && ip -6 addr add fd00:99::2/64 dev n0 nodad");
        String dnat = "iptables -w -t nat -A PREROUTING -p %s -d %s --dport %d %s -j DNAT --to-destination %s";
        node.sh(String.format(dnat, "udp", "10.96.0.10", 53, "--sport 40000:40009", "10.99.0.2:5353")
                + " && " + String.format(dnat, "udp", "10.96.0.10", 53, "--sport 40010:40019", "10.99.0.3:5353")
                + " && " + String.format(dnat, "udp", "10.96.0.11", 53, "", "10.99.0.2:5353")
                + " && " + String.format(dnat, "tcp", "10.96.0.20", 80, "", "10.99.0.2:8080")
                + " && " + String.format(dnat, "udp", "fd00:96::10", 53, "", "[fd00:99::2]:5353").replace("iptables", "ip6tables"));
        tcpServer = node.start("socat", "TCP-LISTEN:8080,fork,reuseaddr", "SYSTEM:true");
        node.sh("for i in $(seq 50); do ss -Hltn 'sport = :8080' | grep -q . && break; sleep 0.1; done");
        List<String> args = new ArrayList<>(List.of("python3", "-c", SEND));
        for (int i = 0; i < 20; i++) {
            args.add("udp,4," + (40000 + i) + ",10.96.0.10,53");
        }
        for (int i = 0; i < 5; i++) {
            args.add("udp,4," + (40100 + i) + ",10.96.0.11,53");
        }
        for (int i = 0; i < 3; i++) {
            args.add("tcp,4," + (40200 + i) + ",10.96.0.20,80");
        }
        args.add("udp,4,40300,10.99.0.2,7000");
        for (int i = 0; i < 4; i++) {
            args.add("udp,6," + (40400 + i) + ",fd00:96::10,53");
        }
        client.exec(args.toArray(String[]::new));
    }

    @AfterAll
    static void cleanUp() {
        if (tcpServer != null) {
            tcpServer.destroyForcibly();
        }
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** {@code proto origSrc:sport -> origDst:dport => replySrc:sport} for every UDP/TCP line of {@code conntrack -L}. */
    private static Set<String> toolView(IpFamily f) {
        Set<String> out = new TreeSet<>();
        String list = node.exec("conntrack", "-L", "-f", f == IpFamily.IPV4 ? "ipv4" : "ipv6");
        for (String line : list.lines().toList()) {
            String[] t = line.trim().split("\\s+");
            if (!t[0].equals("udp") && !t[0].equals("tcp")) {
                continue;
            }
            List<String> src = new ArrayList<>();
            List<String> dst = new ArrayList<>();
            List<String> sport = new ArrayList<>();
            List<String> dport = new ArrayList<>();
            for (String kv : t) {
                String v = kv.substring(kv.indexOf('=') + 1);
                (kv.startsWith("src=") ? src : kv.startsWith("dst=") ? dst : kv.startsWith("sport=") ? sport
                        : kv.startsWith("dport=") ? dport : new ArrayList<String>()).add(v);
            }
            out.add(t[0] + " " + src.get(0) + ":" + sport.get(0) + " -> " + dst.get(0) + ":" + dport.get(0) + " => "
                    + src.get(1) + ":" + sport.get(1));
        }
        return out;
    }

    private static Set<String> sdkView(ConntrackClient c, IpFamily f) {
        return c.list(f).stream().filter(e -> e.protocol() == 6 || e.protocol() == 17)
                .map(e -> e.original().protocolName() + " " + e.original().src() + ":" + e.original().srcPort() + " -> "
                        + e.original().dst() + ":" + e.original().dstPort() + " => " + e.reply().src() + ":" + e.reply().srcPort())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static long count(Set<String> view, String part) {
        return view.stream().filter(l -> l.contains(part)).count();
    }

    @Test
    void deletesExactlyOneEndpointsThenOneServicesEntries() {
        try (ConntrackClient c = ConntrackClient.open(node.path())) {
            Set<String> before = toolView(IpFamily.IPV4);
            assertEquals(before, sdkView(c, IpFamily.IPV4), "the SDK lists what conntrack -L lists");
            assertEquals(20, count(before, "-> 10.96.0.10:53 "), before.toString());
            assertEquals(10, count(before, "=> 10.99.0.3:5353"), before.toString());
            assertEquals(5, count(before, "-> 10.96.0.11:53 "), before.toString());
            assertEquals(3, count(before, "tcp 10.99.0.1:402"), before.toString());
            assertEquals(29, before.size(), before.toString());
            List<ConntrackEntry> tcp = c.list(ConntrackFilter.toService(Protocol.TCP, IpAddress.parse("10.96.0.20"), 80));
            assertTrue(tcp.stream().allMatch(e -> e.isDestinationNatted() && e.has(Status.DST_NAT)), tcp.toString());

            // endpoint 10.99.0.3:5353 removed: its 10 flows go, nothing else
            assertEquals(10, c.delete(ConntrackFilter.toEndpoint(Protocol.UDP, IpAddress.parse("10.99.0.3"), 5353)));
            Set<String> afterEndpoint = toolView(IpFamily.IPV4);
            assertEquals(0, count(afterEndpoint, "=> 10.99.0.3:5353"), afterEndpoint.toString());
            Set<String> expected = new TreeSet<>(before);
            expected.removeIf(l -> l.contains("=> 10.99.0.3:5353"));
            assertEquals(expected, afterEndpoint);

            // service 10.96.0.11:53/udp removed: its 5 flows go; the other service's flows to the same endpoint stay
            assertEquals(5, c.delete(ConntrackFilter.toService(Protocol.UDP, IpAddress.parse("10.96.0.11"), 53)));
            expected.removeIf(l -> l.contains("-> 10.96.0.11:53 "));
            Set<String> afterService = toolView(IpFamily.IPV4);
            assertEquals(expected, afterService);
            assertEquals(10, count(afterService, "-> 10.96.0.10:53 => 10.99.0.2:5353"), afterService.toString());
            assertEquals(3, count(afterService, "tcp "), afterService.toString());
            assertEquals(1, count(afterService, "-> 10.99.0.2:7000 "), afterService.toString());
            assertEquals(Long.parseLong(node.exec("conntrack", "-C").strip()), c.count());
        }
    }

    @Test
    void ipv6FlowsAreListedAndDeletedLikeTheToolSees() {
        try (ConntrackClient c = ConntrackClient.open(node.path())) {
            Set<String> before = toolView(IpFamily.IPV6);
            assertEquals(before, sdkView(c, IpFamily.IPV6));
            assertEquals(4, count(before, "-> fd00:96::10:53 => fd00:99::2:5353"), before.toString());
            assertEquals(4, c.delete(ConntrackFilter.toService(Protocol.UDP, IpAddress.parse("fd00:96::10"), 53)));
            assertEquals(0, count(toolView(IpFamily.IPV6), "fd00:96::10"));
            assertTrue(count(toolView(IpFamily.IPV4), "udp ") > 0, "IPv4 entries untouched");
        }
    }
}
