// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftTransaction;
import dev.svcproxy.nftables.NftablesClient;
import dev.svcproxy.nftables.TableContents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nftables backend over {@link FakeNftables}: what it sends, and what a bad service does to the others. */
class NftablesBackendTest {

    private static List<VirtualService> with(int index, VirtualService v) {
        List<VirtualService> l = new ArrayList<>(Scenario.services());
        l.set(index, v);
        return l;
    }

    @Test
    void aServiceThatCannotBeWrittenIsSkippedByNameTheOthersAreWrittenAndItsLastGoodRulesStay() {
        FakeNftables fake = new FakeNftables();
        NftablesBackend backend = new NftablesBackend(fake, Scenario.context());
        backend.sync(Scenario.table());
        VirtualService bad = Scenario.svc("ns1", "svc1", "172.30.0.41").scheduler("no-such-scheduler")
                .addClusterEndpoints(Scenario.ep("10.180.0.9:80")).build();
        VirtualService newGood = Scenario.svc("ns7", "svc7", "172.30.0.47").addClusterEndpoints(Scenario.ep("10.180.0.7:80")).build();
        List<VirtualService> services = with(0, bad);
        services.add(newGood);
        SyncResult r = backend.sync(Scenario.table(services));
        assertEquals(1, r.skipped().size(), r.skipped().toString());
        assertEquals("ns1/svc1:p80/tcp", r.skipped().get(0).object());
        assertTrue(r.skipped().get(0).reason().contains("no-such-scheduler") && r.skipped().get(0).reason().endsWith("its last good rules stay"),
                r.skipped().get(0).reason());
        TableContents t = fake.list(Family.IP, "kube-proxy").orElseThrow();
        assertFalse(t.rules("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80").isEmpty(), "svc1's last good endpoint stays");
        assertTrue(t.chains().stream().anyMatch(c -> c.name().startsWith("service-") && c.name().endsWith("ns7/svc7/tcp/p80")), "svc7 written");
    }

    /** The fake, refusing any transaction that touches one service's chains, as a kernel might refuse a rule. */
    private static NftablesClient refusing(FakeNftables fake, String service) {
        return new NftablesClient() {
            @Override
            public void apply(NftTransaction tx) {
                for (NftTransaction.Op op : tx.operations()) {
                    if (op.toString().contains("-" + service + " ") || op.toString().contains("-" + service + "__")) {
                        throw new InvalidInputException("the kernel refused it: EINVAL (Invalid argument)", op.toString());
                    }
                }
                fake.apply(tx);
            }

            @Override
            public void check(NftTransaction tx) {
                fake.check(tx);
            }

            @Override
            public List<dev.svcproxy.nftables.Table> tables() {
                return fake.tables();
            }

            @Override
            public java.util.Optional<dev.svcproxy.nftables.TableNames> names(Family family, String table) {
                return fake.names(family, table);
            }

            @Override
            public java.util.Optional<TableContents> list(Family family, String table) {
                return fake.list(family, table);
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aServiceTheKernelRefusesIsLeftOutByNameAndTheOthersAreProgrammed() {
        FakeNftables fake = new FakeNftables();
        NftablesBackend backend = new NftablesBackend(refusing(fake, "ns3/svc3/tcp/p80"), Scenario.context());
        SyncResult r = backend.sync(Scenario.table());
        assertEquals(List.of("ns3/svc3:p80/tcp"), r.skipped().stream().map(SyncResult.Skipped::object).toList(), r.skipped().toString());
        assertTrue(r.skipped().get(0).reason().startsWith("the kernel refused its rules (") && r.skipped().get(0).reason().endsWith("left out until it changes"),
                r.skipped().get(0).reason());
        TableContents t = fake.list(Family.IP, "kube-proxy").orElseThrow();
        assertTrue(t.chains().stream().anyMatch(c -> c.name().endsWith("ns1/svc1/tcp/p80")), "the others are programmed");
        assertTrue(t.chains().stream().noneMatch(c -> c.name().contains("ns3/svc3")), "the refused one is left out");
        assertEquals(1, backend.syncFailures());
        // the next sync leaves it out again without asking the kernel, and still says so
        SyncResult again = backend.sync(Scenario.table());
        assertEquals(List.of("ns3/svc3:p80/tcp"), again.skipped().stream().map(SyncResult.Skipped::object).toList());
        assertEquals(1, backend.syncFailures());
    }

    @Test
    void theFakeTakesTheSameTransactionsAsTheKernelAndAnUnchangedTableSendsNothing() {
        FakeNftables fake = new FakeNftables();
        NftablesBackend backend = new NftablesBackend(fake, Scenario.context());
        assertTrue(backend.sync(Scenario.table()).full());
        int full = backend.lastOperations();
        assertFalse(backend.sync(Scenario.table()).full());
        assertEquals(0, backend.lastOperations(), "nothing changed, nothing sent");
        // one service's cluster IP moves: its chains again, and its two elements out and in
        ServiceTable moved = Scenario.table(with(0, Scenario.svc("ns1", "svc1", "172.30.0.51").addClusterEndpoints(Scenario.ep("10.180.0.1:80")).build()));
        assertFalse(backend.sync(moved).full());
        // its service chain made, flushed and refilled (its masquerade rule names the cluster IP; the endpoint chain is
        // the same), one deletion and one addition each in cluster-ips and service-ips: 8 of the first sync's operations
        assertEquals(8, backend.lastOperations(), "of " + full);
        TableContents t = fake.list(Family.IP, "kube-proxy").orElseThrow();
        assertTrue(t.sets().stream().filter(s -> s.set().name().equals("cluster-ips")).flatMap(s -> s.elements().stream())
                .anyMatch(e -> e.key().equals(List.of("172.30.0.51"))));
        // the table is deleted behind the proxy's back: the next sync writes it all again
        backend.removeLeftovers(dev.svcproxy.api.spi.SharedState.none());
        assertFalse(backend.hasLeftovers());
        assertTrue(backend.sync(moved).full());
        assertTrue(backend.hasLeftovers());
    }
}
