// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableContents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nftables backend on the kernel, against kube-proxy's own table for the same services. */
@Tag("kernel")
class KubeNftablesKernelTest {

    private static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-kpnft-" + what + "-" + ProcessHandle.current().pid());
    }

    /** A table as a comparable value: sets with their elements, chains, and each chain's rules in order. */
    static Map<String, Object> normalised(TableContents t) {
        Map<String, Object> out = new TreeMap<>();
        out.put("table", t.table());
        t.sets().forEach(s -> out.put("set " + s.set().name(), List.of(s.set(), Set.copyOf(s.elements()))));
        t.chains().forEach(c -> out.put("chain " + c.name(), List.of(c, t.rules(c.name()).stream().map(r -> r.statements()).toList())));
        return out;
    }

    /** kube-proxy's dump with its objects before the rules and elements that refer to them, as one nft -f applies. */
    static String reference() throws IOException {
        try (InputStream in = KubeNftablesKernelTest.class.getResourceAsStream("overall.nft")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("add ")).toList();
            List<String> ordered = new ArrayList<>();
            for (String kind : List.of("add table", "add set", "add map", "add chain", "add rule", "add element")) {
                lines.stream().filter(l -> l.startsWith(kind + " ")).forEach(ordered::add);
            }
            return String.join("\n", ordered) + "\n";
        }
    }

    @Test
    void whatTheBackendWritesEqualsWhatKubeProxysTableLoadsAndRenderIsAScriptForIt(@TempDir Path dir) throws Exception {
        try (NetworkNamespace ref = ns("ref"); NetworkNamespace ours = ns("ours"); NetworkNamespace rendered = ns("render");
             NftablesClient refClient = NftablesClient.open(ref.path()); NftablesClient c = NftablesClient.open(ours.path());
             NftablesClient renderedClient = NftablesClient.open(rendered.path())) {
            Path script = dir.resolve("kube-proxy.nft");
            Files.writeString(script, reference());
            ref.exec("nft", "-f", script.toString());
            NftablesBackend backend = new NftablesBackend(c, Scenario.context());
            SyncResult r = backend.sync(Scenario.table());
            assertTrue(r.full());
            assertTrue(r.skipped().isEmpty(), r.skipped().toString());
            Map<String, Object> expected = normalised(refClient.list(Family.IP, "kube-proxy").orElseThrow());
            assertEquals(expected, normalised(c.list(Family.IP, "kube-proxy").orElseThrow()));
            // render's text is an nft script that makes the same table
            Path ours2 = dir.resolve("render.nft");
            Files.writeString(ours2, backend.render(Scenario.table()));
            rendered.exec("nft", "-f", ours2.toString());
            assertEquals(expected, normalised(renderedClient.list(Family.IP, "kube-proxy").orElseThrow()));
        }
    }

    @Test
    void aChangeSendsOnlyItsServiceStaleChainsGoASecondLaterAndAFlushedRulesetHeals() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (NetworkNamespace ns = ns("incr"); NetworkNamespace fresh = ns("fresh"); NftablesClient c = NftablesClient.open(ns.path());
             NftablesClient freshClient = NftablesClient.open(fresh.path())) {
            NftablesBackend backend = new NftablesBackend(c, Scenario.context(), clock::get);
            backend.sync(Scenario.table());
            // svc4 loses 10.180.0.4 and gains 10.180.0.6
            List<VirtualService> changed = new ArrayList<>(Scenario.services());
            changed.set(3, Scenario.svc("ns4", "svc4", "172.30.0.44").addExternalIps(dev.svcproxy.api.net.IpAddress.parse("192.168.99.33"))
                    .addClusterEndpoints(Scenario.ep("10.180.0.5:80"), Scenario.ep("10.180.0.6:80")).build());
            ServiceTable next = Scenario.table(changed);
            clock.addAndGet(100_000_000L);
            SyncResult r = backend.sync(next);
            assertFalse(r.full());
            // only what changed: the new endpoint chain (made, flushed, 2 rules) and the service chain (made, flushed, its
            // masquerade and numgen rules), the stale endpoint chain flushed; .5's chain and the external chain are the
            // same, and no map element changes (they point at the same chains)
            assertEquals(9, backend.lastOperations());
            String gone = "endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80";
            assertTrue(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone), "flushed, not yet deleted");
            assertTrue(c.list(Family.IP, "kube-proxy").orElseThrow().rules(gone).isEmpty());
            // what a partial sync leaves equals what a full sync of the same services writes
            new NftablesBackend(freshClient, Scenario.context()).sync(next);
            Map<String, Object> full = normalised(freshClient.list(Family.IP, "kube-proxy").orElseThrow());
            Map<String, Object> partial = normalised(c.list(Family.IP, "kube-proxy").orElseThrow());
            partial.remove("chain " + gone);
            assertEquals(full, partial);
            // nothing changed: nothing sent; a second later the stale chain is deleted in a transaction of its own
            clock.addAndGet(500_000_000L);
            backend.sync(next);
            assertEquals(0, backend.lastOperations());
            assertTrue(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone));
            clock.addAndGet(600_000_000L);
            backend.sync(next);
            assertFalse(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(gone));
            // someone flushes the ruleset: the next sync notices and writes everything again
            ns.exec("nft", "flush", "ruleset");
            assertTrue(backend.sync(next).full());
            assertEquals(full, normalised(c.list(Family.IP, "kube-proxy").orElseThrow()));
            assertEquals(0, backend.syncFailures());
        }
    }

    /**
     * kube-proxy's {@code TestSyncProxyRulesRepeated}, step by step on the kernel: each sync sends as many operations as
     * kube-proxy's transaction has (fewer in one step, where an unchanged endpoint chain is left as it is), leaves the chains kube-proxy's dump has (a removed service's chains flushed, then
     * deleted a second later in a transaction of their own), and leaves what a full sync of the same services writes.
     */
    @Test
    void kubeProxysRepeatedSyncsSendTheSameOperationsAndLeaveTheSameTable() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        try (NetworkNamespace ns = ns("repeat"); NftablesClient c = NftablesClient.open(ns.path())) {
            NftablesBackend backend = new NftablesBackend(c, Scenario.context(), clock::get);
            VirtualService svc1 = Scenario.svc("ns1", "svc1", "172.30.0.41").addClusterEndpoints(Scenario.ep("10.0.1.1:80")).build();
            VirtualService svc2 = VirtualService.builder().from(Scenario.svc("ns2", "svc2", "172.30.0.42").build())
                    .name(ServicePortName.of("ns2", "svc2", "p8080")).port(8080)
                    .addClusterEndpoints(Scenario.ep("10.0.2.1:8080")).build();
            VirtualService svc4 = Scenario.svc("ns4", "svc4", "172.30.0.44").build();
            String svc2Chain = "service-MHHHYRWA-ns2/svc2/tcp/p8080";
            String svc2Endpoint = "endpoint-7RVP4LUQ-ns2/svc2/tcp/p8080__10.0.2.1/8080";
            String svc3Chain = "service-4AT6LBPK-ns3/svc3/tcp/p80";
            String ep31 = "endpoint-2OCDJSZQ-ns3/svc3/tcp/p80__10.0.3.1/80";
            String ep32 = "endpoint-SWWHDC7X-ns3/svc3/tcp/p80__10.0.3.2/80";
            String ep33 = "endpoint-TQ2QKHCZ-ns3/svc3/tcp/p80__10.0.3.3/80";
            VirtualService svc3One = Scenario.svc("ns3", "svc3", "172.30.0.43").addClusterEndpoints(Scenario.ep("10.0.3.1:80")).build();
            VirtualService svc3Two3 = Scenario.svc("ns3", "svc3", "172.30.0.43")
                    .addClusterEndpoints(Scenario.ep("10.0.3.2:80"), Scenario.ep("10.0.3.3:80")).build();
            VirtualService svc3Empty = Scenario.svc("ns3", "svc3", "172.30.0.43").build();
            VirtualService svc4Ready = Scenario.svc("ns4", "svc4", "172.30.0.44").addClusterEndpoints(Scenario.ep("10.0.4.1:80")).build();

            assertTrue(backend.sync(Scenario.table(List.of(svc1, svc2))).full());
            step(backend, c, clock, List.of(svc1, svc2, svc3One), 10, Set.of(svc3Chain, ep31), Set.of());
            // a deleted service: its elements go, its chains are flushed and kept for a second
            step(backend, c, clock, List.of(svc1, svc3One), 4, Set.of(), Set.of(svc2Chain, svc2Endpoint));
            clock.addAndGet(2_000_000_000L);
            step(backend, c, clock, List.of(svc1, svc3One), 0, Set.of(), Set.of());
            assertFalse(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(svc2Chain), "deleted a second later");
            // a service without endpoints: a cluster-ips and a no-endpoint-services element, no chain
            step(backend, c, clock, List.of(svc1, svc3One, svc4), 2, Set.of(), Set.of());
            assertFalse(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains("service-LAUZTJTB-ns4/svc4/tcp/p80"));
            step(backend, c, clock, List.of(svc1, svc3One, svc4Ready), 10,
                    Set.of("service-LAUZTJTB-ns4/svc4/tcp/p80", "endpoint-WAHRBT2B-ns4/svc4/tcp/p80__10.0.4.1/80"), Set.of());
            // one endpoint replaced: the old endpoint chain is flushed, not yet deleted
            VirtualService svc3Two = Scenario.svc("ns3", "svc3", "172.30.0.43").addClusterEndpoints(Scenario.ep("10.0.3.2:80")).build();
            step(backend, c, clock, List.of(svc1, svc3Two, svc4Ready), 9, Set.of(svc3Chain, ep32), Set.of(ep31));
            clock.addAndGet(2_000_000_000L);
            // kube-proxy sends 12 here: it also rewrites the unchanged 10.0.3.2 chain; the table is the same
            step(backend, c, clock, List.of(svc1, svc3Two3, svc4Ready), 8, Set.of(svc3Chain, ep32, ep33), Set.of());
            assertFalse(c.names(Family.IP, "kube-proxy").orElseThrow().chains().contains(ep31));
            // endpoints emptied: three chains flushed; restored at once: written again and no longer stale
            step(backend, c, clock, List.of(svc1, svc3Empty, svc4Ready), 5, Set.of(), Set.of(svc3Chain, ep32, ep33));
            step(backend, c, clock, List.of(svc1, svc3Two3, svc4Ready), 14, Set.of(svc3Chain, ep32, ep33), Set.of());
            clock.addAndGet(2_000_000_000L);
            step(backend, c, clock, List.of(svc1, svc3Two3, svc4Ready), 0, Set.of(svc3Chain, ep32, ep33), Set.of());
            // emptied, aged, restored: deleted and made again, the same table
            step(backend, c, clock, List.of(svc1, svc3Empty, svc4Ready), 5, Set.of(), Set.of(svc3Chain, ep32, ep33));
            clock.addAndGet(2_000_000_000L);
            step(backend, c, clock, List.of(svc1, svc3Two3, svc4Ready), 14, Set.of(svc3Chain, ep32, ep33), Set.of());
            step(backend, c, clock, List.of(svc1, svc3Two3, svc4Ready), 0, Set.of(svc3Chain, ep32, ep33), Set.of());
            assertEquals(0, backend.syncFailures());
        }
    }

    /**
     * One partial sync of {@code services}: {@code operations} sent, {@code written} chains hold rules, {@code flushed}
     * chains are there without rules, and apart from those the table is what a full sync into a fresh namespace writes.
     */
    private static void step(NftablesBackend backend, NftablesClient c, AtomicLong clock, List<VirtualService> services,
            int operations, Set<String> written, Set<String> flushed) {
        clock.addAndGet(10_000_000L);
        ServiceTable table = Scenario.table(services);
        assertFalse(backend.sync(table).full());
        assertEquals(operations, backend.lastOperations(), "operations for " + services.stream().map(v -> v.name().toString()).toList());
        TableContents now = c.list(Family.IP, "kube-proxy").orElseThrow();
        written.forEach(w -> assertFalse(now.rules(w).isEmpty(), w + " has its rules"));
        flushed.forEach(f -> {
            assertTrue(now.chains().stream().anyMatch(ch -> ch.name().equals(f)), f + " is kept");
            assertTrue(now.rules(f).isEmpty(), f + " is flushed");
        });
        try (NetworkNamespace fresh = ns("fresh"); NftablesClient freshClient = NftablesClient.open(fresh.path())) {
            new NftablesBackend(freshClient, Scenario.context()).sync(table);
            Map<String, Object> partial = normalised(now);
            flushed.forEach(f -> partial.remove("chain " + f));
            assertEquals(normalised(freshClient.list(Family.IP, "kube-proxy").orElseThrow()), partial);
        }
    }
}
