package dev.svcproxy.nftables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.nftables.Family;
import dev.svcproxy.nftables.FakeNftables;
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
        // its 2 chains made and flushed (4) with their 4 rules, one deletion and one addition each in cluster-ips and
        // service-ips (4): 12 of the first sync's operations
        assertEquals(12, backend.lastOperations(), "of " + full);
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
