// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.Table;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The iptables backend, found through the SPI, against the kernel: same state as on the fake, idempotent, clean-up. */
@Tag("kernel")
class KernelIptablesBackendTest {

    /** A test run once on iptables-nft and once on iptables-legacy (the flavour its parameter). */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = dev.svcproxy.iptables.Flavour.class, names = {"NFT", "LEGACY"})
    @interface OnBothFlavours {
    }

    @Test
    void syncsLikeTheFakeIdempotentlyAndCleansUp() {
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-backend-" + ProcessHandle.current().pid())) {
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(ns.path()).build();
            IptablesClient kernel = IptablesClient.newBuilder().netns(ns.path()).build();
            ServiceTable three = IptablesBackendTest.table(IptablesBackendTest.seed("10.244.0.27:80", "10.244.0.28:80", "10.244.0.30:80"));
            FakeIptables fake = new FakeIptables(IpFamily.IPV4);
            new IptablesBackend(fake, BackendContext.builder().from(ctx).build()).sync(three);
            try (ServiceProxyBackend backend = Backends.create("iptables", ctx)) {
                backend.sync(three);
                String first = ns.exec("iptables-save", "-t", "nat").replaceAll("(?m)^#.*\\n", "");
                assertEquals(fake.save().only("KUBE-"), kernel.save().normalize().only("KUBE-"));
                backend.sync(three);
                assertEquals(first, ns.exec("iptables-save", "-t", "nat").replaceAll("(?m)^#.*\\n", ""), "sync is idempotent");

                backend.sync(IptablesBackendTest.table(IptablesBackendTest.seed("10.244.0.27:80")));
                long seps = kernel.chains(Table.NAT).stream().filter(c -> c.name().startsWith("KUBE-SEP-")).count();
                assertEquals(1, seps, "stale endpoint chains are deleted");

                backend.cleanup();
                assertTrue(kernel.chains(Table.NAT).stream().noneMatch(c -> c.name().startsWith("KUBE-")), kernel.chains(Table.NAT).toString());
                assertTrue(kernel.save(Table.NAT).rules(Table.NAT, "PREROUTING").isEmpty());
                assertFalse(kernel.chainExists(Table.FILTER, KubeChains.FORWARD));
            }
        }
    }

    /** {@code n} services with two endpoints each, in 10.{@code net}.0.0/15. */
    static ServiceTable many(int n, int net) {
        java.util.List<dev.svcproxy.api.model.VirtualService> many = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            many.add(IptablesBackendTest.other("svc" + i, "10.96." + (i / 250) + "." + (i % 250 + 1),
                    "10." + net + "." + (1 + i / 250) + "." + (i % 250 + 1) + ":80", "10." + (net + 1) + "." + (1 + i / 250) + "." + (i % 250 + 1) + ":80"));
        }
        return IptablesBackendTest.table(many.toArray(dev.svcproxy.api.model.VirtualService[]::new));
    }

    /**
     * {@code client}, but a sync's read of {@code table} ({@code save(table, rulesOf)}) runs {@code first} before it,
     * and its {@code inputMayWait()} says {@code inputMayWait} (false: as an iptables-legacy before 1.8.5).
     */
    static IptablesClient readingFirst(IptablesClient client, Table table, java.util.concurrent.Callable<?> first, boolean inputMayWait) {
        return (IptablesClient) java.lang.reflect.Proxy.newProxyInstance(IptablesClient.class.getClassLoader(),
                new Class<?>[] {IptablesClient.class}, (proxy, m, args) -> {
                    if (m.getName().equals("save") && args != null && args.length == 2 && args[0] == table) {
                        first.call();
                    }
                    if (m.getName().equals("inputMayWait")) {
                        return inputMayWait && client.inputMayWait();
                    }
                    try {
                        return m.invoke(client, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * iptables-legacy-restore {@code -w 5} arms a 5-second alarm when it takes the xtables lock at {@code *nat}, and its
     * signal ends a read of standard input that is waiting at that moment as if the input had ended ({@code COMMIT
     * expected}, nothing applied). A full sync whose read of the nat table takes longer than that (a slow or busy node)
     * still succeeds: from iptables 1.8.5 the client takes the lock for the tool, which then has no alarm, and its
     * input waits for the read; before, the restore waits for the read at the end of nat's block only until
     * {@link IptablesBackend#LEGACY_WAIT_FOR_READS}, then is given up and made again once the read is done (as a client
     * that says its input may not wait). It failed so when the end of nat's block waited for the read without a bound.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "input may wait: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aLegacyFullSyncWhoseReadOutlastsTheLocksAlarmSucceeds(boolean inputMayWait) {
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-alarm-" + ProcessHandle.current().pid())) {
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(ns.path()).build();
            IptablesClient client = IptablesClient.newBuilder().netns(ns.path()).flavour(dev.svcproxy.iptables.Flavour.LEGACY).build();
            assertTrue(client.inputMayWait(), "iptables " + client.capabilities().version() + " (1.8.5+): the client takes the lock");
            IptablesClient slowRead = readingFirst(client, Table.NAT, () -> {
                Thread.sleep(6_000);
                return null;
            }, inputMayWait);
            assertTrue(new IptablesBackend(slowRead, ctx).sync(many(100, 244)).full());
            assertTrue(client.chainExists(Table.NAT, KubeChains.SERVICES) && kubeRules(client).contains("-A KUBE-SVC-"), kubeRules(client));
            assertTrue(client.save(Table.NAT).rules(Table.NAT, "PREROUTING").stream()
                    .anyMatch(r -> r.target().flatMap(t -> t.chain()).map(c -> c.name().equals("KUBE-SERVICES")).orElse(false)),
                    "what the read decided (the jump into KUBE-SERVICES) is applied too");
        }
    }

    /** A client of {@code flavour} in {@code ctx}'s namespace, after a first (full) sync of {@code table} there. */
    static IptablesClient loaded(dev.svcproxy.iptables.Flavour flavour, BackendContext ctx, ServiceTable table) {
        IptablesClient client = IptablesClient.newBuilder().netns(ctx.netns().orElseThrow()).flavour(flavour).build();
        assertTrue(new IptablesBackend(client, ctx).sync(table).full());
        return client;
    }

    /** The KUBE- chains of a namespace, normalized, without the canary (a sync writes it, a render does not). */
    /** {@code client}, each call's method name and result handed to {@code seen} once the call has returned. */
    static IptablesClient observed(IptablesClient client, java.util.function.BiConsumer<String, Object> seen) {
        return (IptablesClient) java.lang.reflect.Proxy.newProxyInstance(IptablesClient.class.getClassLoader(),
                new Class<?>[] {IptablesClient.class}, (proxy, m, args) -> {
                    try {
                        Object out = m.invoke(client, args);
                        seen.accept(m.getName(), out);
                        return out;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static String kubeRules(IptablesClient c) {
        return c.save().normalize().only("KUBE-").toString().lines().filter(l -> !l.contains("KUBE-PROXY-CANARY"))
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
    }

    /**
     * A full sync sends its rules while it still reads the nat table, and the stale chains' deletions and the missing
     * jumps at the end of the same restore. When that read fails part-way, the restore is stopped before any
     * {@code COMMIT}: neither table changes, and the sync fails with the read's own error. The next sync, full again,
     * leaves what one restore of its payload into a fresh namespace leaves (stale chains deleted), on both flavours.
     */
    @OnBothFlavours
    void aFullSyncWhoseTableReadFailsCommitsNothing(dev.svcproxy.iptables.Flavour flavour,
                                                   @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        String pid = ProcessHandle.current().pid() + flavour.name().substring(0, 1);
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-read-" + pid);
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-rwhole-" + pid)) {
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(ns.path()).build();
            IptablesClient client = loaded(flavour, ctx, many(100, 244));
            String before = client.save().normalize().toString();
            ServiceTable changed = many(90, 246);
            for (Table failing : List.of(Table.NAT, Table.FILTER)) { // the filter read's jumps end filter's block
                IptablesClient failingRead = readingFirst(client, failing, () -> {
                    Thread.sleep(300); // on iptables-nft the restore has the rules by now, and waits for the end of nat's block
                    throw new dev.svcproxy.api.BusyException("injected: the read of " + failing + " failed", "iptables-save");
                }, true);
                dev.svcproxy.api.BusyException e = org.junit.jupiter.api.Assertions.assertThrows(dev.svcproxy.api.BusyException.class,
                        () -> new IptablesBackend(failingRead, ctx).sync(changed));
                assertTrue(e.getMessage().contains("injected: the read of " + failing), e.getMessage());
                assertEquals(before, client.save().normalize().toString(), "no table of the restore was committed (" + failing + ")");
            }

            IptablesBackend restarted = new IptablesBackend(client, ctx);
            String payload = restarted.render(changed);
            assertTrue(restarted.sync(changed).full());
            java.nio.file.Files.writeString(dir.resolve("payload"), payload);
            whole.sh((flavour == dev.svcproxy.iptables.Flavour.NFT ? "iptables-nft" : "iptables-legacy")
                    + "-restore --noflush < " + dir.resolve("payload"));
            assertEquals(kubeRules(IptablesClient.newBuilder().netns(whole.path()).flavour(flavour).build()), kubeRules(client));
            assertFalse(client.save().toString().contains("--to-destination 10.244."), "no rule of the old endpoints is left");
            assertTrue(client.save(Table.NAT).rules(Table.NAT, "PREROUTING").stream()
                    .anyMatch(r -> r.target().flatMap(t -> t.chain()).map(c -> c.name().equals("KUBE-SERVICES")).orElse(false)),
                    "the jump into KUBE-SERVICES");
        }
    }

    /**
     * A full sync over rules in use (a restarted proxy) leaves what one restore of its payload into a fresh namespace
     * leaves: the changed services rewritten, the stale chains (100 services gone, every endpoint moved) deleted. On
     * iptables-nft it goes in parts of whole chains; on legacy in one restore whose services come in batches
     * ({@link IptablesBackend#FULL_SYNC_BATCH}), each batch's chain lines before its rules.
     */
    @OnBothFlavours
    void aFullResyncOverRulesInUseLeavesWhatOneRestoreLeaves(dev.svcproxy.iptables.Flavour flavour,
                                                             @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        String pid = ProcessHandle.current().pid() + flavour.name().substring(0, 1);
        try (NetworkNamespace parts = NetworkNamespace.create("svcp-test-resync-" + pid);
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-whole-" + pid)) {
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(parts.path()).build();
            IptablesClient client = loaded(flavour, ctx, many(1000, 244));
            ServiceTable changed = many(900, 246);
            IptablesBackend restarted = new IptablesBackend(client, ctx);
            String payload = restarted.render(changed);
            assertTrue(restarted.sync(changed).full(), "a new backend's first sync is full, over the rules in place");
            java.nio.file.Files.writeString(dir.resolve("payload"), payload);
            whole.sh((flavour == dev.svcproxy.iptables.Flavour.NFT ? "iptables-nft" : "iptables-legacy")
                    + "-restore --noflush < " + dir.resolve("payload"));
            assertEquals(kubeRules(IptablesClient.newBuilder().netns(whole.path()).flavour(flavour).build()), kubeRules(client));
            assertFalse(client.save().toString().contains("--to-destination 10.244."), "no rule of the old endpoints is left");
            String before = client.save().normalize().only("KUBE-").toString();
            assertFalse(restarted.sync(changed).full());
            assertEquals(before, client.save().normalize().only("KUBE-").toString(), "the next sync is partial and changes nothing");
        }
    }

    /**
     * A first load too big for one part goes in parts (no KUBE-SERVICES yet), most of it written over nf_tables
     * netlink where the tool is iptables-nft 1.8.9, and leaves exactly what one atomic restore of the same payload
     * leaves (and the canary): the same {@code iptables-save}, and the same nf_tables expressions rule for rule, for
     * 1,000 services plus kube-proxy's fixture (node ports, external and load-balancer IPs, source ranges, local
     * policy), session affinity (left to the tool) and UDP. The next sync is partial and changes nothing.
     */
    @Test
    void aFirstLoadInPartsLeavesWhatOneRestoreLeaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        try (NetworkNamespace parts = NetworkNamespace.create("svcp-test-parts-" + ProcessHandle.current().pid());
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-whole-" + ProcessHandle.current().pid())) {
            ServiceTable table = ServiceTable.builder().from(many(1000, 244))
                    .addAllServices(KubeProxyRulesFixtureTest.fixture().services())
                    .addServices(KubeProxyRulesFixtureTest.svc(7, "172.30.0.47").sessionAffinity(SessionAffinity.clientIp(10800))
                                    .addClusterEndpoints(KubeProxyRulesFixtureTest.ep("10.180.0.7:80")).build(),
                            KubeProxyRulesFixtureTest.svc(8, "172.30.0.48").protocol(dev.svcproxy.api.net.Protocol.UDP).nodePort(3008)
                                    .addClusterEndpoints(KubeProxyRulesFixtureTest.ep("10.180.0.8:53")).build())
                    .build();
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(parts.path()).build();
            // iptables-nft: the flavour whose --noflush costs more than linearly (legacy loads in one call)
            IptablesClient real = IptablesClient.newBuilder().netns(parts.path()).flavour(dev.svcproxy.iptables.Flavour.NFT).build();
            java.util.List<dev.svcproxy.iptables.IptablesTransaction> rests = new java.util.ArrayList<>();
            IptablesClient nft = observed(real, (method, out) -> {
                if (method.equals("writeDirectly")) {
                    rests.add((dev.svcproxy.iptables.IptablesTransaction) out);
                }
            });
            IptablesBackend backend = new IptablesBackend(nft, ctx);
            String payload = backend.render(table);
            assertTrue(payload.lines().filter(l -> l.startsWith("-A ")).count() > IptablesBackend.FIRST_LOAD_PART, "big enough to split");
            assertTrue(payload.contains("-m recent"), "a rule the direct load leaves to the tool");
            assertTrue(backend.sync(table).full());
            java.nio.file.Files.writeString(dir.resolve("payload"), payload);
            whole.sh("iptables-nft-restore --noflush < " + dir.resolve("payload"));
            IptablesClient wholeClient = IptablesClient.newBuilder().netns(whole.path()).build();
            IptablesClient partsClient = IptablesClient.newBuilder().netns(parts.path()).build();
            // the same rules, but the canary, which a sync adds and a render leaves out
            assertEquals(kubeRules(wholeClient), kubeRules(partsClient));
            assertEquals(1, rests.size(), "one first load");
            if (nft.capabilities().version().equals("1.8.9")) {
                // left to the tool: the filter table, KUBE-POSTROUTING (a mark match, MASQUERADE), the affinity
                // service's chains (recent), the canary and the built-in chains' jumps
                String rest = rests.get(0).render();
                assertTrue(rest.lines().filter(l -> l.startsWith("-")).count() < 60, rest);
                assertTrue(rest.contains("-m recent") && !rest.substring(rest.indexOf("*nat")).contains("-A KUBE-SERVICES "), rest);
                java.util.Map<String, java.util.List<String>> tool = expressions(whole);
                java.util.Map<String, java.util.List<String>> direct = expressions(parts);
                assertEquals(tool.keySet(), direct.keySet());
                tool.forEach((chain, exprs) -> assertEquals(exprs, direct.get(chain), "the nf_tables expressions of " + chain));
            }
            String before = partsClient.save().normalize().only("KUBE-").toString();
            SyncResult again = backend.sync(table);
            assertFalse(again.full(), "the chains exist now: the next sync is a partial one, atomic again");
            assertEquals(before, partsClient.save().normalize().only("KUBE-").toString());
        }
    }

    /**
     * A partial sync on iptables-nft longer than {@link IptablesBackend#PARTIAL_SYNC_PARTS} parts (650 of 700 services
     * with new endpoints, 50 removed) goes in several restores of whole chains, and leaves what one restore of
     * the same table's payload into a fresh namespace leaves: the removed services' chains and the old endpoints' chains
     * deleted. A partial sync of one changed service is one restore again.
     */
    @Test
    void aLargePartialSyncOnNftGoesInPartsAndLeavesWhatOneRestoreLeaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        try (NetworkNamespace parts = NetworkNamespace.create("svcp-test-pparts-" + ProcessHandle.current().pid());
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-pwhole-" + ProcessHandle.current().pid())) {
            IptablesClient real = IptablesClient.newBuilder().netns(parts.path()).flavour(dev.svcproxy.iptables.Flavour.NFT).build();
            java.util.concurrent.atomic.AtomicInteger restores = new java.util.concurrent.atomic.AtomicInteger();
            IptablesClient nft = observed(real, (method, out) -> {
                if (method.equals("apply")) {
                    restores.incrementAndGet();
                }
            });
            IptablesBackend backend = new IptablesBackend(nft, BackendContext.builder().from(IptablesBackendTest.CTX).netns(parts.path()).build());
            assertTrue(backend.sync(many(700, 244)).full());
            ServiceTable moved = many(700, 100);
            ServiceTable changed = ServiceTable.builder().from(moved).services(moved.services().subList(0, 650)).build();
            restores.set(0);
            assertFalse(backend.sync(changed).full());
            assertTrue(restores.get() > 1, "in parts: " + restores.get() + " restores");

            IptablesBackend other = new IptablesBackend(IptablesClient.newBuilder().netns(whole.path()).build(),
                    BackendContext.builder().from(IptablesBackendTest.CTX).netns(whole.path()).build());
            java.nio.file.Files.writeString(dir.resolve("payload"), other.render(changed));
            whole.sh("iptables-nft-restore --noflush < " + dir.resolve("payload"));
            IptablesClient partsClient = IptablesClient.newBuilder().netns(parts.path()).build();
            String after = kubeRules(partsClient);
            assertEquals(kubeRules(IptablesClient.newBuilder().netns(whole.path()).build()), after);
            assertFalse(after.contains("10.245.") || after.contains("default/svc699"), "old endpoints' and removed services' chains deleted");

            ServiceTable one = ServiceTable.builder().from(changed).services(many(700, 244).services().subList(0, 1))
                    .addAllServices(changed.services().subList(1, 650)).build();
            restores.set(0);
            assertFalse(backend.sync(one).full());
            assertEquals(1, restores.get(), "one changed service: one restore");
        }
    }

    /**
     * An IPv6 first load written directly (ip6tables-nft 1.8.9) leaves what one {@code ip6tables-restore} of its payload
     * leaves, in {@code ip6tables-save} and in every nf_tables expression: cluster IPs, node ports, an external IP,
     * a load-balancer IP with a source range of a prefix that ends inside a byte, UDP, a port-less DNAT.
     */
    @Test
    void anIpv6FirstLoadWrittenDirectlyLeavesWhatOneRestoreLeaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        try (NetworkNamespace direct = NetworkNamespace.create("svcp-test-v6d-" + ProcessHandle.current().pid());
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-v6w-" + ProcessHandle.current().pid())) {
            java.util.List<dev.svcproxy.api.model.VirtualService> services = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                services.add(dev.svcproxy.api.model.VirtualService.builder()
                        .name(dev.svcproxy.api.model.ServicePortName.of("ns" + i % 7, "svc" + i, "p"))
                        .protocol(i % 3 == 0 ? dev.svcproxy.api.net.Protocol.UDP : dev.svcproxy.api.net.Protocol.TCP).port(53 + i % 2)
                        .clusterIp(dev.svcproxy.api.net.IpAddress.parse("fd00:96::" + Integer.toHexString(i + 1)))
                        .nodePort(i % 10 == 0 ? 30000 + i : 0)
                        .addAllExternalIps(i == 5 ? java.util.List.of(dev.svcproxy.api.net.IpAddress.parse("2001:db8:99::5")) : java.util.List.of())
                        .addAllLoadBalancerIps(i == 6 ? java.util.List.of(dev.svcproxy.api.net.IpAddress.parse("2001:db8:77::6")) : java.util.List.of())
                        .addAllLoadBalancerSourceRanges(i == 6 ? java.util.List.of(dev.svcproxy.api.net.Cidr.parse("2001:db8:1000::/36")) : java.util.List.of())
                        .addClusterEndpoints(KubeProxyRulesFixtureTest.ep("[fd00:244::" + Integer.toHexString(2 * i + 1) + "]:8053"),
                                KubeProxyRulesFixtureTest.ep("[fd00:244::" + Integer.toHexString(2 * i + 2) + "]:8053"))
                        .build());
            }
            ServiceTable table = ServiceTable.builder().family(IpFamily.IPV6)
                    .addNodeIps(dev.svcproxy.api.net.IpAddress.parse("fd00:1::2")).addAllServices(services).build();
            BackendContext ctx = BackendContext.builder().family(IpFamily.IPV6).netns(direct.path())
                    .localTraffic(dev.svcproxy.api.spi.LocalTraffic.fromCidrs(dev.svcproxy.api.net.Cidr.parse("fd00:244::/64"))).build();
            IptablesClient client = IptablesClient.newBuilder().family(IpFamily.IPV6).netns(direct.path())
                    .flavour(dev.svcproxy.iptables.Flavour.NFT).build();
            IptablesBackend backend = new IptablesBackend(client, ctx);
            String payload = backend.render(table);
            assertTrue(backend.sync(table).full());
            java.nio.file.Files.writeString(dir.resolve("payload"), payload);
            whole.sh("ip6tables-nft-restore --noflush < " + dir.resolve("payload"));
            IptablesClient wholeClient = IptablesClient.newBuilder().family(IpFamily.IPV6).netns(whole.path()).build();
            assertEquals(kubeRules(wholeClient), kubeRules(client));
            if (client.capabilities().version().equals("1.8.9")) {
                java.util.Map<String, java.util.List<String>> tool = expressions(whole, "ip6", 400);
                java.util.Map<String, java.util.List<String>> written = expressions(direct, "ip6", 400);
                assertEquals(tool.keySet(), written.keySet());
                tool.forEach((chain, exprs) -> assertEquals(exprs, written.get(chain), "the nf_tables expressions of " + chain));
                assertTrue(backend.lastPayloadBytes() < payload.length() / 10, "most of it written directly: "
                        + backend.lastPayloadBytes() + " of " + payload.length() + " bytes restored");
            }
        }
    }

    /**
     * The KUBE- chains of the nat table as nf_tables holds them ({@code nft --debug=netlink}: every expression of every
     * rule), without handles, by chain name, without the canary.
     */
    static java.util.Map<String, java.util.List<String>> expressions(NetworkNamespace ns) {
        return expressions(ns, "ip", 2000);
    }

    /** As {@link #expressions(NetworkNamespace)}, for the nat table of {@code family} ({@code ip}, {@code ip6}). */
    static java.util.Map<String, java.util.List<String>> expressions(NetworkNamespace ns, String family, int atLeast) {
        java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        String chain = null;
        for (String l : ns.sh("nft --debug=netlink list table " + family + " nat").lines().toList()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^" + family + " nat (\\S+) \\d+( \\d+)?$").matcher(l);
            if (m.matches()) {
                chain = m.group(1);
                out.computeIfAbsent(chain, c -> new java.util.ArrayList<>()).add("rule");
            } else if (l.startsWith("  [") && chain != null) {
                out.get(chain).add(l.strip());
            } else if (l.startsWith("table ")) {
                break;
            }
        }
        out.keySet().removeIf(c -> !c.startsWith("KUBE-") || c.equals("KUBE-PROXY-CANARY"));
        assertTrue(out.size() > atLeast, "read the rules of " + out.size() + " chains");
        return out;
    }
}
