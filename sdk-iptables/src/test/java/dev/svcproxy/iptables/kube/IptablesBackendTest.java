// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.PacketTracer;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IptablesBackendTest {
    static final BackendContext CTX = BackendContext.builder()
            .localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16"))).build();

    static VirtualService seed(String... endpoints) {
        VirtualService.Builder b = VirtualService.builder().name(ServicePortName.parse("default/web:http"))
                .protocol(Protocol.TCP).port(80).clusterIp(IpAddress.parse("10.101.57.97"));
        for (String e : endpoints) {
            b.addClusterEndpoint(Endpoint.parse(e));
        }
        return b.build();
    }

    static ServiceTable table(VirtualService... services) {
        return ServiceTable.builder().family(IpFamily.IPV4).addAllServices(List.of(services)).build();
    }

    @Test
    void writesKubeProxysChainsAndSplits() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        IptablesBackend backend = new IptablesBackend(fake, CTX);
        SyncResult r = backend.sync(table(seed("10.244.0.27:80", "10.244.0.28:80", "10.244.0.30:80")));
        assertTrue(r.skipped().isEmpty());
        Ruleset state = fake.save();
        String svc = KubeChains.service(ServicePortName.parse("default/web:http"), Protocol.TCP).name();
        List<String> svcRules = state.rules(Table.NAT, svc).stream().map(x -> x.toString()).toList();
        assertEquals(4, svcRules.size(), svcRules.toString());
        assertTrue(svcRules.get(0).contains("! -s 10.244.0.0/16") && svcRules.get(0).endsWith("-j KUBE-MARK-MASQ"), svcRules.get(0));
        assertTrue(svcRules.get(1).contains("--probability 0.33333333349"), svcRules.get(1));
        assertTrue(svcRules.get(2).contains("--probability 0.50000000000"), svcRules.get(2));
        assertFalse(svcRules.get(3).contains("statistic"), svcRules.get(3));

        PacketTracer tracer = new PacketTracer(state, Set.of(IpAddress.parse("192.168.77.1")));
        PacketTracer.Trace t = tracer.trace(PacketTracer.Packet.arriving("192.168.77.2", "10.101.57.97", Protocol.TCP, 80, "veth-client"));
        assertEquals(List.of(HostPort.parse("10.244.0.27:80"), HostPort.parse("10.244.0.28:80"), HostPort.parse("10.244.0.30:80")),
                t.destinations());
        assertTrue(t.masquerade(), "traffic from outside the pod CIDR is masqueraded");
        assertEquals(PacketTracer.Verdict.ACCEPT, t.verdict());

        PacketTracer.Trace fromPod = tracer.trace(PacketTracer.Packet.arriving("10.244.0.40", "10.101.57.97", Protocol.TCP, 80, "cbr0"));
        assertFalse(fromPod.masquerade(), "pod traffic keeps its source");
        PacketTracer.Trace hairpin = tracer.trace(PacketTracer.Packet.arriving("10.244.0.30", "10.101.57.97", Protocol.TCP, 80, "cbr0"));
        assertTrue(hairpin.masquerade(), "a pod reaching itself through the VIP is masqueraded (hairpin)");
        PacketTracer.Trace otherPort = tracer.trace(PacketTracer.Packet.arriving("192.168.77.2", "10.101.57.97", Protocol.TCP, 81, "veth-client"));
        assertTrue(otherPort.destinations().isEmpty());
    }

    @Test
    void syncIsIdempotentAndRemovesStaleChains() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        IptablesBackend backend = new IptablesBackend(fake, CTX);
        backend.sync(table(seed("10.244.0.27:80", "10.244.0.28:80")));
        Ruleset first = fake.save();
        backend.sync(table(seed("10.244.0.27:80", "10.244.0.28:80")));
        assertEquals(first, fake.save());
        backend.sync(table(seed("10.244.0.27:80")));
        long seps = fake.save().chains(Table.NAT).keySet().stream().filter(c -> c.name().startsWith("KUBE-SEP-")).count();
        assertEquals(1, seps);
        fake.apply(fake.newTransaction().flushChain(Table.NAT, "KUBE-KUBELET-CANARY")); // not ours
        backend.cleanup();
        assertEquals(Set.of("KUBE-KUBELET-CANARY"), fake.save().chains(Table.NAT).keySet().stream()
                .map(c -> c.name()).filter(n -> n.startsWith("KUBE-")).collect(java.util.stream.Collectors.toSet()));
        assertTrue(fake.save().rules(Table.NAT, "PREROUTING").isEmpty(), "jump rules removed");
    }

    @Test
    void serviceWithoutEndpointsIsRejectedAndAffinityUsesRecent() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        new IptablesBackend(fake, CTX).sync(table(seed(),
                VirtualService.builder().from(seed("10.244.0.5:80")).name(ServicePortName.parse("default/sticky"))
                        .clusterIp(IpAddress.parse("10.101.0.2")).sessionAffinity(SessionAffinity.clientIp(10800)).build()));
        Ruleset s = fake.save();
        assertTrue(s.rules(Table.FILTER, "KUBE-SERVICES").get(0).toString()
                .contains("default/web:http has no endpoints"));
        PacketTracer.Trace t = new PacketTracer(s, Set.of()).trace(
                PacketTracer.Packet.local("10.0.0.1", "10.101.57.97", Protocol.TCP, 80));
        assertEquals(PacketTracer.Verdict.REJECT, t.verdict());
        String svc = KubeChains.service(ServicePortName.parse("default/sticky"), Protocol.TCP).name();
        assertTrue(s.rules(Table.NAT, svc).stream().anyMatch(r -> r.toString().contains("--rcheck --seconds 10800 --reap")));
    }

    static VirtualService other(String name, String clusterIp, String... endpoints) {
        VirtualService.Builder b = VirtualService.builder().name(ServicePortName.of("default", name, "")).protocol(Protocol.TCP)
                .port(80).clusterIp(IpAddress.parse(clusterIp));
        for (String e : endpoints) {
            b.addClusterEndpoints(dev.svcproxy.api.model.Endpoint.of(HostPort.parse(e)));
        }
        return b.build();
    }

    @Test
    void partialSyncsRewriteOnlyChangedServicesUntilAFlushForcesAFullOne() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        IptablesBackend backend = new IptablesBackend(fake, CTX);
        List<VirtualService> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(other("svc" + i, "10.96.1." + i, "10.244.1." + i + ":80", "10.244.2." + i + ":80"));
        }
        assertTrue(backend.sync(table(many.toArray(VirtualService[]::new))).full(), "the first sync is full");
        int fullBytes = backend.lastPayloadBytes();
        many.set(7, other("svc7", "10.96.1.7", "10.244.1.7:80"));
        SyncResult r = backend.sync(table(many.toArray(VirtualService[]::new)));
        assertFalse(r.full(), "one endpoint changed: partial");
        assertTrue(backend.lastPayloadBytes() < fullBytes / 2, backend.lastPayloadBytes() + " of " + fullBytes);
        Ruleset state = fake.save();
        String svc7 = KubeChains.service(ServicePortName.of("default", "svc7", ""), Protocol.TCP).name();
        assertEquals(1, state.rules(Table.NAT, svc7).stream().filter(x -> x.toString().contains("KUBE-SEP-")).count());
        String removedSep = KubeChains.endpoint(ServicePortName.of("default", "svc7", ""), Protocol.TCP,
                dev.svcproxy.api.model.Endpoint.of(HostPort.parse("10.244.2.7:80"))).name();
        assertFalse(fake.chainExists(Table.NAT, dev.svcproxy.iptables.ChainName.of(removedSep)), "the stale endpoint chain is gone");
        String svc8 = KubeChains.service(ServicePortName.of("default", "svc8", ""), Protocol.TCP).name();
        assertEquals(2, state.rules(Table.NAT, svc8).stream().filter(x -> x.toString().contains("KUBE-SEP-")).count(),
                "an unchanged service keeps its chains");
        // kubeproxy_sync_proxy_rules_iptables_total after the partial sync: what a full sync of the same state owns
        SyncResult fresh = new IptablesBackend(new FakeIptables(IpFamily.IPV4), CTX).sync(table(many.toArray(VirtualService[]::new)));
        assertEquals(fresh.ruleTotals(), r.ruleTotals());
        assertTrue(r.ruleTotals().get("nat") > 100 && r.ruleCounts().get("nat") < r.ruleTotals().get("nat") / 2, r.ruleTotals() + " " + r.ruleCounts());
        assertTrue(backend.metrics().stream().anyMatch(x -> x.name().equals("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total")
                && x.perFamily() && x.value().getAsDouble() == 0));
        // someone flushes the nat table: the canary's rule is gone, so the next sync is full and restores everything
        fake.apply(fake.newTransaction().flushChain(Table.NAT, KubeChains.CANARY));
        assertTrue(backend.sync(table(many.toArray(VirtualService[]::new))).full());
        assertFalse(backend.sync(table(many.toArray(VirtualService[]::new))).full(), "then partial again");
        backend.fullSyncNext(); // the hourly sync's way: nothing changed, the next sync is full all the same
        assertTrue(backend.sync(table(many.toArray(VirtualService[]::new))).full());
        assertFalse(backend.sync(table(many.toArray(VirtualService[]::new))).full(), "and then partial again");
    }

    /**
     * Under churn every sync is driven by a change, yet a flush must still be found (kube-proxy's canary monitor
     * looks every syncPeriod whatever happens): once a syncPeriod has passed since the last look, a sync looks.
     */
    @Test
    void aFlushUnderContinuousChurnIsFoundWithinASyncPeriod() throws InterruptedException {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        BackendContext ctx = BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.244.0.0/16")))
                .syncPeriod(java.time.Duration.ofMillis(300)).minSyncPeriod(java.time.Duration.ZERO).build();
        IptablesBackend backend = new IptablesBackend(fake, ctx);
        assertTrue(backend.sync(table(seed("10.244.0.27:80"))).full());
        fake.apply(fake.newTransaction().flushChain(Table.NAT, KubeChains.CANARY)); // iptables -t nat -F
        assertTrue(fake.deleteRule(Table.NAT, dev.svcproxy.iptables.Rule.in("PREROUTING").comment("kubernetes service portals")
                .jump("KUBE-SERVICES")));
        assertFalse(backend.sync(table(seed("10.244.0.28:80"))).full(), "a change within the syncPeriod trusts the last sync");
        Thread.sleep(400);
        assertTrue(backend.sync(table(seed("10.244.0.29:80"))).full(), "a change after a syncPeriod looks, and finds the flush");
        assertTrue(fake.save().rules(Table.NAT, "PREROUTING").stream().anyMatch(r -> r.toString().contains("-j KUBE-SERVICES")),
                "the jump is back");
        assertFalse(backend.sync(table(seed("10.244.0.30:80"))).full(), "then partial again");
    }

    static VirtualService service(String name, String clusterIp, String... endpoints) {
        VirtualService.Builder b = VirtualService.builder().name(ServicePortName.parse(name)).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse(clusterIp));
        for (String e : endpoints) {
            b.addClusterEndpoint(Endpoint.parse(e));
        }
        return b.build();
    }

    static boolean dnatTo(FakeIptables fake, String endpoint) {
        return fake.save().toString().contains("--to-destination " + endpoint);
    }

    @Test
    void aServiceTheKernelRefusesKeepsItsLastGoodRulesOrIsLeftOutAndTheOthersAreProgrammed() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        IptablesBackend backend = new IptablesBackend(fake, CTX);
        VirtualService web = service("default/web:http", "10.101.57.97", "10.244.0.27:80");
        VirtualService api = service("default/api:http", "10.101.57.98", "10.244.0.40:80");
        assertTrue(backend.sync(table(web, api)).skipped().isEmpty());

        // from now on the "kernel" refuses any rule that DNATs to 10.244.0.41 or 10.244.0.50
        fake.refuse(r -> r.toString().contains("--to-destination 10.244.0.41:80") || r.toString().contains("--to-destination 10.244.0.50:80"),
                "RULE_APPEND failed (Invalid argument)");
        VirtualService api2 = service("default/api:http", "10.101.57.98", "10.244.0.41:80");
        VirtualService web2 = service("default/web:http", "10.101.57.97", "10.244.0.28:80");
        VirtualService fresh = service("default/fresh:http", "10.101.57.99", "10.244.0.50:80");
        SyncResult r = backend.sync(table(web2, api2, fresh));
        assertEquals(List.of(
                new SyncResult.Skipped("default/api:http/tcp", "the kernel refused its rules (RULE_APPEND failed (Invalid argument));"
                        + " its last good rules stay until it changes"),
                new SyncResult.Skipped("default/fresh:http/tcp", "the kernel refused its rules (RULE_APPEND failed (Invalid argument));"
                        + " left out until it changes")), r.skipped().stream().sorted(java.util.Comparator.comparing(SyncResult.Skipped::object))
                .toList());
        assertTrue(dnatTo(fake, "10.244.0.28:80"), "web's change is programmed");
        assertTrue(dnatTo(fake, "10.244.0.40:80") && !dnatTo(fake, "10.244.0.41:80"), "api keeps its last good rules");
        assertFalse(fake.save().toString().contains("10.101.57.99"), "fresh is left out whole");

        SyncResult again = backend.sync(table(web2, api2, fresh));
        assertEquals(2, again.skipped().size(), "still reported while unchanged, without another refused restore");
        fake.refuse(x -> false, "");
        assertTrue(backend.sync(table(web2, service("default/api:http", "10.101.57.98", "10.244.0.42:80"),
                service("default/fresh:http", "10.101.57.99", "10.244.0.51:80"))).skipped().isEmpty(), "a change is tried again");
        assertTrue(dnatTo(fake, "10.244.0.42:80") && fake.save().toString().contains("10.101.57.99"));
    }

    /** A refused filter-table rule (a service without endpoints: its REJECT) is traced to its service too. */
    @Test
    void aRefusedFilterRuleLeavesOutItsServiceAlone() {
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        IptablesBackend backend = new IptablesBackend(fake, CTX);
        VirtualService web = service("default/web:http", "10.101.57.97", "10.244.0.27:80");
        fake.refuse(r -> r.toString().contains("default/gone:http has no endpoints"), "RULE_APPEND failed (Invalid argument)");
        SyncResult r = backend.sync(table(web, service("default/gone:http", "10.101.57.96")));
        assertEquals(List.of(new SyncResult.Skipped("default/gone:http/tcp",
                "the kernel refused its rules (RULE_APPEND failed (Invalid argument)); left out until it changes")), r.skipped());
        assertTrue(dnatTo(fake, "10.244.0.27:80"), "the other service is programmed");
        assertFalse(fake.save().toString().contains("10.101.57.96"), "the refused one is left out whole");
    }
}
