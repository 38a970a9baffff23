package dev.svcproxy.api.spi;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/** What a backend is created for: the IP family, the network namespace, and the proxy-wide settings. */
@Value.Immutable
public abstract class BackendContext {

    @Value.Default
    public IpFamily family() {
        return IpFamily.IPV4;
    }

    /** The network namespace to program ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}); empty = this one. */
    public abstract Optional<Path> netns();

    /** The packet-mark bit that flags traffic for masquerade (kube-proxy default 14, mark 0x4000). */
    @Value.Default
    public int masqueradeBit() {
        return 14;
    }

    /** SNAT all traffic to cluster IPs, not only traffic from outside the cluster. */
    @Value.Default
    public boolean masqueradeAll() {
        return false;
    }

    @Value.Default
    public LocalTraffic localTraffic() {
        return LocalTraffic.none();
    }

    /** Addresses node ports listen on; empty means every local address. */
    public abstract List<Cidr> nodePortAddresses();

    /** Backend-specific settings, by key. */
    public abstract Map<String, String> options();

    @Value.Check
    protected void check() {
        if (masqueradeBit() < 0 || masqueradeBit() > 31) {
            throw new InvalidInputException("masquerade bit must be 0-31, not " + masqueradeBit(), "masqueradeBit");
        }
    }

    public static BackendContext defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends ImmutableBackendContext.Builder {
    }
}
