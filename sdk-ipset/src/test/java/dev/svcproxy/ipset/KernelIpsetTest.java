// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ipset client against the kernel, checked with the real {@code ipset} tool, in throw-away namespaces. */
@Tag("kernel")
class KernelIpsetTest {
    static final IpAddress A = IpAddress.parse("10.244.0.27");

    private static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-ipset-" + what + "-" + ProcessHandle.current().pid());
    }

    private static Set<String> saveLines(NetworkNamespace ns) {
        return ns.exec("ipset", "save").lines().collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void whatTheSdkCreatesIsWhatIpsetSaves() {
        try (NetworkNamespace ns = ns("sdk"); IpsetClient c = IpsetClient.open(ns.path())) {
            IpSet loop = IpSet.hash("KUBE-LOOP-BACK", SetType.HASH_IP_PORT_IP, IpFamily.IPV4).withComment();
            IpSet cluster = IpSet.hash("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT, IpFamily.IPV4).withSizes(1024, 65536);
            IpSet src = IpSet.hash("KUBE-LB-SRC", SetType.HASH_IP_PORT_NET, IpFamily.IPV4);
            IpSet nets = IpSet.hash("KUBE-NETS", SetType.HASH_NET, IpFamily.IPV6).withTimeout(600);
            IpSet netPort = IpSet.hash("KUBE-NET-PORT", SetType.HASH_NET_PORT, IpFamily.IPV4).withCounters();
            IpSet ips = IpSet.hash("KUBE-IPVS-IPS", SetType.HASH_IP, IpFamily.IPV4);
            IpSet ports = IpSet.bitmapPort("KUBE-NODE-PORT-TCP", 0, 65535);
            IpSet list = IpSet.listSet("KUBE-ALL");
            for (IpSet s : List.of(loop, cluster, src, nets, netPort, ips, ports, list)) {
                c.create(s);
                c.create(s); // idempotent when identical
            }
            c.add(loop, Entry.ipPortIp(A, Protocol.TCP, 80, A).withComment("default/web:http"));
            c.add(cluster, Entry.ipPort(IpAddress.parse("10.101.57.97"), Protocol.UDP, 53));
            c.add(src, Entry.ipPortNet(IpAddress.parse("1.2.3.4"), Protocol.TCP, 443, Cidr.parse("192.168.0.0/16")));
            c.add(nets, Entry.net(Cidr.parse("fd00:10::/64")).withTimeout(300));
            c.add(netPort, Entry.netPort(Cidr.parse("10.0.0.0/8"), Protocol.SCTP, 9000));
            c.add(ips, Entry.ip(A));
            c.add(ips, Entry.ip(A)); // adding twice is fine
            c.add(ports, Entry.port(30080));
            c.add(list, Entry.member("KUBE-IPVS-IPS"));

            Set<String> save = saveLines(ns);
            assertTrue(save.contains("add KUBE-LOOP-BACK 10.244.0.27,tcp:80,10.244.0.27 comment \"default/web:http\""), save.toString());
            assertTrue(save.contains("add KUBE-CLUSTER-IP 10.101.57.97,udp:53"), save.toString());
            assertTrue(save.contains("add KUBE-LB-SRC 1.2.3.4,tcp:443,192.168.0.0/16"), save.toString());
            assertTrue(save.stream().anyMatch(l -> l.startsWith("add KUBE-NETS fd00:10::/64 timeout ")), save.toString());
            assertTrue(save.stream().anyMatch(l -> l.startsWith("add KUBE-NET-PORT 10.0.0.0/8,sctp:9000")), save.toString());
            assertTrue(save.contains("add KUBE-IPVS-IPS 10.244.0.27"), save.toString());
            assertTrue(save.contains("add KUBE-NODE-PORT-TCP 30080"), save.toString());
            assertTrue(save.contains("add KUBE-ALL KUBE-IPVS-IPS"), save.toString());
            assertTrue(save.stream().anyMatch(l -> l.startsWith("create KUBE-LOOP-BACK hash:ip,port,ip family inet") && l.contains("comment")), save.toString());
            assertTrue(save.stream().anyMatch(l -> l.startsWith("create KUBE-NETS hash:net family inet6") && l.contains("timeout 600")), save.toString());
            assertTrue(save.stream().anyMatch(l -> l.startsWith("create KUBE-NODE-PORT-TCP bitmap:port range 0-65535")), save.toString());

            assertTrue(c.test(loop, Entry.ipPortIp(A, Protocol.TCP, 80, A)));
            assertFalse(c.test(loop, Entry.ipPortIp(A, Protocol.TCP, 81, A)));
            c.delete(loop, Entry.ipPortIp(A, Protocol.TCP, 80, A));
            c.delete(loop, Entry.ipPortIp(A, Protocol.TCP, 80, A)); // deleting twice is fine
            assertFalse(c.test(loop, Entry.ipPortIp(A, Protocol.TCP, 80, A)));

            assertThrows(AlreadyExistsException.class, () -> c.create(IpSet.hash("KUBE-IPVS-IPS", SetType.HASH_NET, IpFamily.IPV4)));
            assertThrows(BusyException.class, () -> c.destroy("KUBE-IPVS-IPS")); // a list:set refers to it
            NotFoundException missing = assertThrows(NotFoundException.class, () -> c.flush("NO-SUCH-SET"));
            assertTrue(missing.getMessage().contains("NO-SUCH-SET"), missing.getMessage());
            assertTrue(c.list("NO-SUCH-SET").isEmpty());
        }
    }

    @Test
    void whatIpsetCreatesTheSdkListsBack() {
        try (NetworkNamespace ns = ns("cli"); IpsetClient c = IpsetClient.open(ns.path())) {
            ns.sh("ipset create S1 hash:ip,port,ip comment && ipset add S1 10.0.0.1,tcp:80,10.0.0.2 comment hairpin"
                    + " && ipset create S2 hash:net family inet6 && ipset add S2 fd00::/8"
                    + " && ipset create S3 bitmap:port range 30000-32767 && ipset add S3 30001"
                    + " && ipset create S4 hash:ip,port,net && ipset add S4 10.0.0.1,udp:53,10.1.0.0/16");
            SetContents s1 = c.list("S1").orElseThrow();
            assertEquals(SetType.HASH_IP_PORT_IP, s1.set().type());
            assertTrue(s1.set().comment());
            assertEquals(List.of(Entry.ipPortIp(IpAddress.parse("10.0.0.1"), Protocol.TCP, 80, IpAddress.parse("10.0.0.2"))
                    .withComment("hairpin")), s1.entries());
            SetContents s2 = c.list("S2").orElseThrow();
            assertEquals(IpFamily.IPV6, s2.set().family());
            assertEquals(List.of(Entry.net(Cidr.parse("fd00::/8"))), s2.entries());
            SetContents s3 = c.list("S3").orElseThrow();
            assertEquals(30000, s3.set().portFrom());
            assertEquals(32767, s3.set().portTo());
            assertEquals(List.of(Entry.port(30001)), s3.entries());
            assertEquals("10.0.0.1,udp:53,10.1.0.0/16", c.list("S4").orElseThrow().entries().get(0).toString());
            assertEquals(4, c.list().size());

            c.rename("S3", "S3B");
            ns.sh("ipset create S3C bitmap:port range 30000-32767");
            c.swap("S3B", "S3C");
            assertTrue(c.list("S3B").orElseThrow().entries().isEmpty());
            assertEquals(1, c.list("S3C").orElseThrow().entries().size());
            c.destroy("S3B");
            assertTrue(c.list("S3B").isEmpty());
        }
    }

    @Test
    void aBatchAppliesManyChangesAndReportsOnlyFailures() {
        try (NetworkNamespace ns = ns("batch"); IpsetClient c = IpsetClient.open(ns.path())) {
            IpSet set = IpSet.hash("KUBE-BIG", SetType.HASH_IP_PORT, IpFamily.IPV4).withSizes(4096, 1000);
            c.create(set);
            IpsetBatch b = new IpsetBatch();
            for (int i = 0; i < 1200; i++) {
                b.add(set, Entry.ipPort(IpAddress.parse("10.1." + (i >> 8) + "." + (i & 0xff)), Protocol.TCP, 80));
            }
            var failed = c.apply(b);
            // maxelem 1000 (the kernel counts per hash bucket region, so a few more may fit): every add that did
            // not make it into the set is reported as failed, and no other
            List<Entry> in = c.list("KUBE-BIG").orElseThrow().entries();
            assertTrue(in.size() >= 1000 && in.size() < 1200, in.size() + " entries");
            assertEquals(1200 - in.size(), failed.size());
            Set<Entry> present = Set.copyOf(in);
            failed.keySet().forEach(op -> assertFalse(present.contains(op.entry()), op.toString()));
            assertTrue(failed.values().iterator().next() instanceof BusyException, failed.values().iterator().next().toString());
            assertEquals(in.size(), ns.exec("ipset", "list", "KUBE-BIG").lines().filter(l -> l.startsWith("10.1.")).count());
            // deleting them all in one batch leaves the set empty
            IpsetBatch del = new IpsetBatch();
            in.forEach(e -> del.delete(set, e));
            assertTrue(c.apply(del).isEmpty());
            assertTrue(c.list("KUBE-BIG").orElseThrow().entries().isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void anIptablesRuleMatchesRealPacketsAgainstASetMadeByTheSdk(IpFamily family) throws Exception {
        boolean v4 = family == IpFamily.IPV4;
        IpAddress lo = IpAddress.parse(v4 ? "127.0.0.1" : "::1");
        String iptables = v4 ? "iptables" : "ip6tables";
        try (NetworkNamespace ns = ns("match" + family.bits()); IpsetClient c = IpsetClient.open(ns.path())) {
            ns.exec("ip", "link", "set", "lo", "up");
            IpSet blocked = IpSet.hash("SVCP-BLOCKED", SetType.HASH_IP_PORT, family);
            c.create(blocked);
            c.add(blocked, Entry.ipPort(lo, Protocol.TCP, 8081));
            ns.exec(iptables, "-w", "-A", "OUTPUT", "-m", "set", "--match-set", "SVCP-BLOCKED", "dst,dst",
                    "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset");
            String listen = v4 ? "TCP-LISTEN:%d,fork,reuseaddr" : "TCP6-LISTEN:%d,fork,reuseaddr,ipv6only=1";
            // `cat` keeps the shell until the client's end of input: socat 1.7.4 drops the output of a child that
            // ends before its transfer starts (samples' DemoTopology has the details)
            Process a = ns.start("socat", "-t5", String.format(listen, 8080), "SYSTEM:echo open; cat >/dev/null");
            Process b = ns.start("socat", "-t5", String.format(listen, 8081), "SYSTEM:echo open; cat >/dev/null");
            try {
                String target = v4 ? "TCP:127.0.0.1:%d" : "TCP6:[::1]:%d";
                String probe = "for i in 1 2 3 4 5 6 7 8 9 10; do socat -T1 -t1 - " + target + " </dev/null 2>/dev/null && break;"
                        + " sleep 0.2; done; true";
                assertEquals("open", ns.sh(String.format(probe, 8080)).strip(), "a port not in the set is reachable");
                assertEquals("", ns.sh(String.format(probe, 8081)).strip(), "the port in the set is rejected");
                c.delete(blocked, Entry.ipPort(lo, Protocol.TCP, 8081));
                assertEquals("open", ns.sh(String.format(probe, 8081)).strip(), "removed from the set: reachable again");
                String counters = ns.exec(iptables, "-w", "-L", "OUTPUT", "-v", "-n", "-x");
                assertTrue(counters.contains("match-set SVCP-BLOCKED dst,dst"), counters);
                assertThrows(BusyException.class, () -> c.destroy("SVCP-BLOCKED"), "a set a rule uses cannot be destroyed");
            } finally {
                a.destroyForcibly().waitFor();
                b.destroyForcibly().waitFor();
            }
        }
    }
}
