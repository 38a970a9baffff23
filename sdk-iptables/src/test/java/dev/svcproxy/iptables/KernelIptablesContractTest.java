package dev.svcproxy.iptables;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** The contract against the real kernel, in a fresh network namespace per test, for both iptables flavours. */
@Tag("kernel")
class KernelIptablesContractTest {
    private final List<NetworkNamespace> namespaces = new ArrayList<>();

    @AfterEach
    void deleteNamespaces() {
        namespaces.forEach(NetworkNamespace::close);
    }

    IptablesClient client(Flavour flavour) {
        NetworkNamespace ns = KernelNamespace.create();
        namespaces.add(ns);
        return IptablesClient.newBuilder().family(IpFamily.IPV4).netns(ns.path()).flavour(flavour).build();
    }

    @Nested
    class Nft extends IptablesClientContract {
        @Override
        protected IptablesClient client() {
            return KernelIptablesContractTest.this.client(Flavour.NFT);
        }
    }

    @Nested
    class Legacy extends IptablesClientContract {
        @Override
        protected IptablesClient client() {
            return KernelIptablesContractTest.this.client(Flavour.LEGACY);
        }
    }
}
