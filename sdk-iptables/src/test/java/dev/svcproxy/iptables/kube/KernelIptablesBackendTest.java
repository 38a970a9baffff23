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
}
