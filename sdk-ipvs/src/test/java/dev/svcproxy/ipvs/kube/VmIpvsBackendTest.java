// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.netlink.route.RouteClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The IPVS backend's incremental syncs on the kernel (inside the kernel VM): a sync after a change ends exactly where
 * a full sync of the same table into a fresh namespace ends, without reading back or rewriting what did not change;
 * what it cannot know (a change behind its back) is repaired by the next full sync, after a refusal or a
 * {@code syncPeriod}.
 */
@Tag("vm")
class VmIpvsBackendTest {
    static final BackendContext CTX = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16")))
            .build();

    static NetworkNamespace node(String what) {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-ipvsb-" + what + "-" + ProcessHandle.current().pid());
        ns.sh("ip link add eth0 type dummy && ip addr add 192.168.77.1/24 dev eth0 && ip link set eth0 up");
        return ns;
    }

    static IpvsBackend backend(NetworkNamespace ns, BackendContext ctx) {
        return new IpvsBackend(ctx, IpvsClient.open(ns.path()), IpsetClient.open(ns.path()), RouteClient.open(ns.path()),
                IptablesClient.newBuilder().netns(ns.path()).build());
    }

    static VirtualService.Builder svc(int i) {
        VirtualService.Builder b = IpvsProxyRulesTest.svc("svc" + i, "10.101.0." + i).nodePort(30000 + i);
        for (int e = 0; e < 3; e++) {
            b.addClusterEndpoint(IpvsProxyRulesTest.ep("10.244." + i + "." + e + ":8080", e == 0));
        }
        return b;
    }

    /** Twenty services with node ports; every fifth has a load-balancer IP (ETP Local), every seventh an external IP. */
    static ServiceTable first() {
        List<VirtualService> list = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            VirtualService.Builder b = svc(i);
            if (i % 5 == 0) {
                b.addLoadBalancerIps(IpAddress.parse("203.0.113." + i)).externalTrafficPolicy(TrafficPolicy.LOCAL)
                        .healthCheckNodePort(32000 + i);
            }
            if (i % 7 == 0) {
                b.addExternalIps(IpAddress.parse("198.51.100." + i));
            }
            list.add(b.build());
        }
        return ServiceTable.builder().family(dev.svcproxy.api.net.IpFamily.IPV4).addNodeIps(IpAddress.parse("192.168.77.1"))
                .addAllServices(list).build();
    }

    /** One endpoint replaced, one service gone, one added, one load-balancer IP (and so an ipset entry) added. */
    static ServiceTable changed(ServiceTable t) {
        List<VirtualService> list = new ArrayList<>();
        for (VirtualService s : t.services()) {
            if (s.name().name().equals("svc2")) {
                list.add(VirtualService.builder().from(s).clusterEndpoints(s.clusterEndpoints().subList(0, 2))
                        .addClusterEndpoint(Endpoint.parse("10.250.0.1:8080")).build());
            } else if (s.name().name().equals("svc3")) {
                list.add(VirtualService.builder().from(s).addLoadBalancerIps(IpAddress.parse("203.0.113.3")).build());
            } else if (!s.name().name().equals("svc4")) {
                list.add(s);
            }
        }
        list.add(svc(21).build());
        return ServiceTable.builder().from(t).services(list).build();
    }

    /**
     * The kernel state a sync makes: IPVS table, ipsets (without the hash seed the kernel picks at random), kube-ipvs0's
     * addresses, nat and filter rules.
     */
    static String state(NetworkNamespace ns) {
        return String.join("\n", ns.exec("ipvsadm", "-S", "-n"), sorted(ns.exec("ipset", "save").replaceAll(" initval 0x[0-9a-f]+", "")),
                sorted(ns.sh("ip -o addr show dev kube-ipvs0 | awk '{print $4}'")),
                withoutComments(ns.exec("iptables-save", "-t", "nat")), withoutComments(ns.exec("iptables-save", "-t", "filter")));
    }

    private static String sorted(String lines) {
        return String.join("\n", lines.lines().sorted().toList());
    }

    private static String withoutComments(String save) {
        return String.join("\n", save.lines().filter(l -> !l.startsWith("#")).toList());
    }

    private static String withoutSvc9(String state) {
        return String.join("\n", state.lines().filter(l -> !l.matches("-[Aa] -t 10\\.101\\.0\\.9:80 .*")).toList());
    }

    /** What a full sync of {@code table} makes in a fresh namespace. */
    static String fresh(ServiceTable table) {
        try (NetworkNamespace ns = node("fresh"); IpvsBackend b = backend(ns, CTX)) {
            SyncResult r = b.sync(table);
            assertTrue(r.full() && r.skipped().isEmpty(), r.toString());
            return state(ns);
        }
    }

    @Test
    void aSyncAfterAChangeIsIncrementalAndEndsWhereAFullSyncEnds() {
        ServiceTable first = first();
        ServiceTable next = changed(first);
        try (NetworkNamespace ns = node("incr"); IpvsBackend b = backend(ns, CTX)) {
            assertTrue(b.sync(first).full());
            // svc9's virtual server (unchanged) disappears behind the backend's back
            ns.exec("ipvsadm", "-D", "-t", "10.101.0.9:80");
            SyncResult r = b.sync(next);
            assertFalse(r.full(), "a sync within syncPeriod of a full one is incremental");
            assertTrue(r.skipped().isEmpty(), r.skipped().toString());
            String after = state(ns);
            assertFalse(after.contains("-A -t 10.101.0.9:80"),
                    "an incremental sync trusts what it applied: it neither read nor rewrote the unchanged service");
            assertEquals(withoutSvc9(fresh(next)), withoutSvc9(after), "apart from that service, what a full sync makes");
            assertEquals(0, b.sync(next).skipped().size());
            assertFalse(state(ns).contains("-A -t 10.101.0.9:80"), "nothing changed, nothing was sent");
        }
    }

    @Test
    void aRefusedChangeMakesTheNextSyncFullAndThatRepairsTheKernel() {
        ServiceTable first = first();
        ServiceTable next = changed(first);
        try (NetworkNamespace ns = node("repair"); IpvsBackend b = backend(ns, CTX)) {
            b.sync(first);
            ns.exec("ipvsadm", "-D", "-t", "10.101.0.2:80"); // the service whose endpoint is about to change
            SyncResult r = b.sync(next);
            assertFalse(r.full());
            assertTrue(r.skipped().stream().anyMatch(s -> s.object().contains("10.101.0.2:80")),
                    "the kernel refused the real server change of a service it no longer has: " + r.skipped());
            SyncResult repair = b.sync(next);
            assertTrue(repair.full(), "after a refusal the next sync reads the kernel back");
            assertTrue(repair.skipped().isEmpty(), repair.skipped().toString());
            assertEquals(fresh(next), state(ns));
        }
    }

    @Test
    void aFullSyncEverySyncPeriodRepairsWhatChangedBehindTheBackendsBack() throws InterruptedException {
        ServiceTable first = first();
        BackendContext shortPeriod = BackendContext.builder().from(CTX).syncPeriod(Duration.ofSeconds(1)).build();
        try (NetworkNamespace ns = node("period"); IpvsBackend b = backend(ns, shortPeriod)) {
            b.sync(first);
            ns.exec("ipvsadm", "-D", "-t", "10.101.0.9:80");
            ns.exec("ipset", "del", "KUBE-CLUSTER-IP", "10.101.0.9,tcp:80");
            ns.exec("ip", "addr", "del", "10.101.0.9/32", "dev", "kube-ipvs0");
            Thread.sleep(1100);
            assertTrue(b.sync(first).full(), "a syncPeriod after the last full sync, the next one is full");
            assertEquals(fresh(first), state(ns));
        }
    }
}
