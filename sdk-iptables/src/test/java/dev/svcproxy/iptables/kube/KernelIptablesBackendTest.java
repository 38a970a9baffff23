package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Backends;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.Table;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The iptables backend, found through the SPI, against the kernel: same state as on the fake, idempotent, clean-up. */
@Tag("kernel")
class KernelIptablesBackendTest {

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

    /**
     * A first load too big for one part goes in parts (no KUBE-SERVICES yet), and leaves exactly what one atomic
     * restore of the same payload leaves (and the canary); the next sync is partial and changes nothing.
     */
    @Test
    void aFirstLoadInPartsLeavesWhatOneRestoreLeaves(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        try (NetworkNamespace parts = NetworkNamespace.create("svcp-test-parts-" + ProcessHandle.current().pid());
             NetworkNamespace whole = NetworkNamespace.create("svcp-test-whole-" + ProcessHandle.current().pid())) {
            java.util.List<dev.svcproxy.api.model.VirtualService> many = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                many.add(IptablesBackendTest.other("svc" + i, "10.96." + (i / 250) + "." + (i % 250 + 1),
                        "10.244." + (1 + i / 250) + "." + (i % 250 + 1) + ":80", "10.245." + (1 + i / 250) + "." + (i % 250 + 1) + ":80"));
            }
            ServiceTable table = IptablesBackendTest.table(many.toArray(dev.svcproxy.api.model.VirtualService[]::new));
            BackendContext ctx = BackendContext.builder().from(IptablesBackendTest.CTX).netns(parts.path()).build();
            // iptables-nft: the flavour whose --noflush costs more than linearly (legacy loads in one call)
            IptablesBackend backend = new IptablesBackend(IptablesClient.newBuilder().netns(parts.path())
                    .flavour(dev.svcproxy.iptables.Flavour.NFT).build(), ctx);
            String payload = backend.render(table);
            assertTrue(payload.lines().filter(l -> l.startsWith("-A ")).count() > IptablesBackend.FIRST_LOAD_PART, "big enough to split");
            assertTrue(backend.sync(table).full());
            java.nio.file.Files.writeString(dir.resolve("payload"), payload);
            whole.sh("iptables-restore --noflush < " + dir.resolve("payload"));
            IptablesClient wholeClient = IptablesClient.newBuilder().netns(whole.path()).build();
            IptablesClient partsClient = IptablesClient.newBuilder().netns(parts.path()).build();
            // the same rules, but the canary, which a sync adds and a render leaves out
            assertEquals(wholeClient.save().normalize().only("KUBE-").toString(), partsClient.save().normalize().only("KUBE-").toString()
                    .lines().filter(l -> !l.contains("KUBE-PROXY-CANARY")).map(l -> l + "\n").collect(java.util.stream.Collectors.joining()));
            String before = partsClient.save().normalize().only("KUBE-").toString();
            SyncResult again = backend.sync(table);
            assertFalse(again.full(), "the chains exist now: the next sync is a partial one, atomic again");
            assertEquals(before, partsClient.save().normalize().only("KUBE-").toString());
        }
    }
}
