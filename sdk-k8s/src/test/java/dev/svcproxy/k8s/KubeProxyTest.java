// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.testing.recording.RecordingBackendProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** {@link KubeProxy} without root: the sync loop over {@link FakeIptables} and a fed source; interactions with Mockito. */
class KubeProxyTest {
    static final String WEB = String.join("\n",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: web, namespace: default}",
            "spec: {clusterIP: 10.96.0.10, ports: [{name: http, port: 80}]}",
            "---",
            "apiVersion: discovery.k8s.io/v1",
            "kind: EndpointSlice",
            "metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}",
            "addressType: IPv4",
            "ports: [{name: http, port: 8080}]",
            "endpoints: [{addresses: [10.244.1.5]}]",
            "");

    /** Fast periods, no servers, no host sysctls: what a unit test may run. */
    static ProxyConfig config(String mode) {
        Map<String, String> flags = new HashMap<>();
        flags.put("proxy-mode", mode);
        flags.put("hostname-override", "node-a");
        flags.put("iptables-sync-period", "300ms");
        flags.put("iptables-min-sync-period", "50ms");
        flags.put("healthz-bind-address", "");
        flags.put("metrics-bind-address", "");
        flags.put("conntrack-max-per-core", "0");
        flags.put("conntrack-tcp-timeout-established", "0s");
        flags.put("conntrack-tcp-timeout-close-wait", "0s");
        return ProxyFlags.apply(Optional.empty(), flags);
    }

    /** The iptables backend over one {@link FakeIptables} per family, as a provider named {@code fake-iptables}. */
    record FakeIptablesProvider(Map<IpFamily, FakeIptables> fakes) implements ServiceProxyBackendProvider {
        FakeIptablesProvider() {
            this(new EnumMap<>(Map.of(IpFamily.IPV4, new FakeIptables(IpFamily.IPV4), IpFamily.IPV6, new FakeIptables(IpFamily.IPV6))));
        }

        @Override
        public String name() {
            return "fake-iptables";
        }

        @Override
        public Availability availability(BackendContext context) {
            return Availability.yes();
        }

        @Override
        public ServiceProxyBackend create(BackendContext context) {
            return new IptablesBackend(fakes.get(context.family()), context);
        }

        boolean nat(IpFamily f, String chainPrefix) {
            return fakes.get(f).chains(Table.NAT).stream().anyMatch(c -> c.name().startsWith(chainPrefix));
        }
    }

    static boolean waitFor(BooleanSupplier condition, long maxMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + maxMillis;
        while (System.currentTimeMillis() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** Runs {@code proxy} on a thread; the returned reference gets run()'s result when it ends. */
    static Thread start(KubeProxy proxy, AtomicReference<Object> result) {
        Thread t = new Thread(() -> {
            try {
                result.set(proxy.run());
            } catch (RuntimeException e) {
                result.set(e);
            }
        }, "kube-proxy-test");
        t.start();
        return t;
    }

    @Test
    void aChangeInTheSourceLeadsToAPartialSyncAndThePeriodicSyncRestoresAFlushedTable() throws Exception {
        FakeIptablesProvider fake = new FakeIptablesProvider();
        ClusterFeed feed = new ClusterFeed();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        KubeProxy proxy = KubeProxy.newBuilder().config(config("fake-iptables")).source(feed).providers(List.of(fake))
                .messages(lines::add, lines::add).build();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = start(proxy, result);
        try {
            assertTrue(waitFor(() -> fake.nat(IpFamily.IPV4, "KUBE-PROXY-CANARY"), 5_000), "first (full) sync: " + lines);
            assertFalse(fake.nat(IpFamily.IPV4, "KUBE-SVC-"));
            assertTrue(waitFor(() -> lines.contains("serving /healthz and /livez on nothing (disabled), /metrics and /proxyMode on"
                    + " nothing (disabled)"), 2_000), lines.toString());

            feed.publish(ClusterSnapshot.parse(WEB, "test"));
            assertTrue(waitFor(() -> fake.nat(IpFamily.IPV4, "KUBE-SVC-"), 2_000), "the change is synced: " + lines);
            assertTrue(waitFor(() -> lines.stream().anyMatch(l -> l.startsWith("synced IPv4 (partial): 1 services")), 2_000), lines.toString());
            assertTrue(proxy.metrics().scrape().contains("kubeproxy_sync_partial_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}"),
                    proxy.metrics().scrape());
            assertTrue(proxy.metrics().value("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "ip_family", "IPv4") > 0);
            assertTrue(proxy.metrics().value("kubeproxy_sync_proxy_rules_iptables_last", "ip_family", "IPv4", "table", "nat") > 0);

            // someone flushes nat behind the proxy's back: the periodic sync sees the canary gone and resyncs fully
            fake.fakes().get(IpFamily.IPV4).apply(IptablesTransaction.create(IpFamily.IPV4)
                    .flushChain(Table.NAT, ChainName.of("KUBE-PROXY-CANARY")).flushChain(Table.NAT, ChainName.of("KUBE-SERVICES")));
            int before = lines.size();
            assertTrue(waitFor(() -> lines.stream().skip(before).anyMatch(l -> l.startsWith("synced IPv4 (full)")), 3_000),
                    lines.toString());
            assertTrue(fake.fakes().get(IpFamily.IPV4).save(Table.NAT).rules(Table.NAT, "KUBE-SERVICES").stream()
                    .anyMatch(r -> r.toString().contains("10.96.0.10")), "the service's rule is back");
        } finally {
            proxy.close();
            t.join(10_000);
        }
        assertFalse(t.isAlive(), "close() ends run()");
        assertEquals(Boolean.TRUE, result.get());
    }

    @Test
    void theBackendGetsTheTableIsRetriedAfterItThrowsAndTheOtherModeIsRemovedOnce() throws Exception {
        ServiceProxyBackendProvider mine = mock(ServiceProxyBackendProvider.class);
        ServiceProxyBackend backend = mock(ServiceProxyBackend.class);
        when(mine.name()).thenReturn("mock");
        when(mine.availability(any())).thenReturn(Availability.yes());
        when(mine.create(any())).thenReturn(backend);
        when(backend.prepare()).thenReturn(List.of());
        when(backend.metrics()).thenReturn(List.of());
        SharedState shared = new SharedState(Map.of("nat", java.util.Set.of("KUBE-SERVICES")), Map.of());
        when(backend.sharedState()).thenReturn(shared);
        SyncResult ok = new SyncResult(true, List.of(), Duration.ofMillis(1));
        when(backend.sync(any())).thenThrow(new SvcProxyException("refused by the kernel", "test"))
                .thenReturn(ok);
        ServiceProxyBackendProvider other = mock(ServiceProxyBackendProvider.class);
        ServiceProxyBackend leftovers = mock(ServiceProxyBackend.class);
        when(other.name()).thenReturn("other");
        when(other.availability(any())).thenReturn(Availability.yes());
        when(other.create(any())).thenReturn(leftovers);
        when(leftovers.hasLeftovers()).thenReturn(true);

        ClusterFeed feed = new ClusterFeed();
        feed.publish(ClusterSnapshot.parse(WEB, "test"));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        KubeProxy proxy = KubeProxy.newBuilder().config(config("mock")).source(feed).providers(List.of(mine, other))
                .messages(lines::add, lines::add).build();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = start(proxy, result);
        try {
            // the first IPv4 sync throws; the retry comes after syncPeriod (300 ms), then periodic syncs follow
            assertTrue(waitFor(() -> lines.stream().filter(l -> l.startsWith("synced IPv4")).count() >= 2, 3_000), lines.toString());
            assertTrue(lines.contains("sync of IPv4 failed: test: refused by the kernel"), lines.toString());
        } finally {
            proxy.close();
            t.join(10_000);
        }
        verify(backend, times(2)).prepare(); // one backend per family
        verify(backend, atLeast(3)).sync(argThat((ServiceTable table) -> table.family() == IpFamily.IPV4
                && table.services().size() == 1 && table.services().get(0).name().toString().equals("default/web:http")));
        verify(other, times(2)).create(any());
        verify(leftovers, times(2)).removeLeftovers(shared);
        verify(leftovers, never()).cleanup();
        assertEquals(2, lines.stream().filter(l -> l.startsWith("removed the other mode's state")).count(), lines.toString());
        assertEquals(0.0 + 1, proxy.metrics().value("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "ip_family", "IPv4"));
    }

    @Test
    void aBackendFoundByServiceLoaderRunsWithNoChangeToTheProxy() {
        RecordingBackendProvider.clear();
        ClusterFeed feed = new ClusterFeed();
        feed.publish(ClusterSnapshot.parse(WEB, "test"));
        try (KubeProxy proxy = KubeProxy.newBuilder().config(config("recording")).source(feed).build()) {
            assertEquals("recording", proxy.mode());
            assertTrue(proxy.syncOnce());
            assertEquals("# recording: default/web:http\n", proxy.render().get(IpFamily.IPV4));
        }
        List<String> events = RecordingBackendProvider.events();
        assertTrue(events.contains("create IPv4 masqueradeBit=14 syncPeriod=PT0.3S netns=-"), events.toString());
        assertTrue(events.indexOf("prepare IPv4") < events.indexOf("sync IPv4 default/web:http"), events.toString());
        assertTrue(events.contains("close IPv4") && events.contains("close IPv6"), events.toString());
    }

    @Test
    void aModeWithoutABackendIsRefusedNamingTheInstalledOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> KubeProxy.newBuilder().config(config("nftables")).providers(List.of(new FakeIptablesProvider())).build());
        assertEquals("--proxy-mode: proxy mode 'nftables' has no backend on the module path (installed: fake-iptables)", e.getMessage());
    }

    @Test
    void aFedServiceTableNeedsNoKubernetesObjects() {
        FakeIptablesProvider fake = new FakeIptablesProvider();
        ClusterFeed feed = new ClusterFeed();
        ServiceTable v4 = ServiceTables.build(ClusterSnapshot.parse(WEB, "test"), "node-a").table(IpFamily.IPV4);
        feed.publish(v4);
        List<String> lines = new ArrayList<>();
        try (KubeProxy proxy = KubeProxy.newBuilder().config(config("fake-iptables")).source(feed).providers(List.of(fake))
                .messages(lines::add, lines::add).build()) {
            assertTrue(proxy.syncOnce(), lines.toString());
        }
        assertTrue(fake.nat(IpFamily.IPV4, "KUBE-SVC-"), "IPv4 programmed from the table");
        assertFalse(fake.nat(IpFamily.IPV6, "KUBE-SVC-"), "IPv6 was fed nothing");
    }
}
