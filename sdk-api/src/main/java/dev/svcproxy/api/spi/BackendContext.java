// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * What a backend is created for: the IP family, the network namespace, and kube-proxy's settings that backends
 * use, typed (masquerade bit and all, local-traffic detection, node-port addresses, localhost node ports, the
 * IPVS settings, the sync periods). A backend reads what it needs and ignores the rest.
 */
@Value.Immutable
public abstract class BackendContext {

    /**
     * The IP family this backend programs.
     *
     * @return the IP family this backend programs
     */
    @Value.Default
    public IpFamily family() {
        return IpFamily.IPV4;
    }

    /**
     * The network namespace to program ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}); empty = this one.
     *
     * @return the network namespace to program ({@code /run/netns/NAME}, {@code /proc/PID/ns/net})
     */
    public abstract Optional<Path> netns();

    /**
     * The packet-mark bit that flags traffic for masquerade (kube-proxy default 14, mark 0x4000).
     *
     * @return the packet-mark bit that flags traffic for masquerade (kube-proxy default 14, mark 0x4000)
     */
    @Value.Default
    public int masqueradeBit() {
        return 14;
    }

    /**
     * SNAT all traffic to cluster IPs, not only traffic from outside the cluster.
     *
     * @return true to masquerade all service traffic
     */
    @Value.Default
    public boolean masqueradeAll() {
        return false;
    }

    /**
     * How traffic from this node's pods is told apart (kube-proxy's {@code detectLocalMode}).
     *
     * @return how traffic from this node's pods is told apart (kube-proxy's {@code detectLocalMode})
     */
    @Value.Default
    public LocalTraffic localTraffic() {
        return LocalTraffic.none();
    }

    /**
     * Addresses node ports listen on; empty means every local address.
     *
     * @return addresses node ports listen on
     */
    public abstract List<Cidr> nodePortAddresses();

    /**
     * IPv4 node ports also on 127.0.0.1 when the node-port addresses allow it ({@code iptables.localhostNodePorts},
     * default true); needs {@code net.ipv4.conf.all.route_localnet=1}, which the backend sets in its namespace.
     *
     * @return true to serve IPv4 node ports on localhost too
     */
    @Value.Default
    public boolean localhostNodePorts() {
        return true;
    }

    /**
     * kube-proxy's {@code conntrack.tcpBeLiberal}: the proxy sets {@code nf_conntrack_tcp_be_liberal=1} at start. A
     * backend that decides by that sysctl (kube-proxy writes no ct INVALID drop rule where it is 1) reads the kernel
     * when it syncs, and takes this setting as what the start will do when it renders without touching anything.
     *
     * @return true if the proxy sets the sysctl
     */
    @Value.Default
    public boolean tcpBeLiberal() {
        return false;
    }

    /**
     * kube-proxy's {@code ipvs.*} settings.
     *
     * @return kube-proxy's {@code ipvs.*} settings
     */
    @Value.Default
    public IpvsSettings ipvs() {
        return IpvsSettings.defaults();
    }

    /**
     * The longest time between two syncs, and the retry interval after a failed one (kube-proxy's {@code syncPeriod},
     * default 30 s).
     *
     * @return the longest time between two syncs, and the retry interval after a failed one (kube-proxy's {@code syncPeriod}, default 30 s)
     */
    @Value.Default
    public Duration syncPeriod() {
        return Duration.ofSeconds(30);
    }

    /**
     * The least time between two syncs (kube-proxy's {@code minSyncPeriod}, default 1 s).
     *
     * @return the least time between two syncs (kube-proxy's {@code minSyncPeriod}, default 1 s)
     */
    @Value.Default
    public Duration minSyncPeriod() {
        return Duration.ofSeconds(1);
    }

    /** Rejects a masquerade bit outside 0-31 and a non-positive sync period (Immutables calls this on build). */
    @Value.Check
    protected void check() {
        if (masqueradeBit() < 0 || masqueradeBit() > 31) {
            throw new InvalidInputException("masquerade bit must be 0-31, not " + masqueradeBit(), "masqueradeBit");
        }
        if (syncPeriod().isNegative() || syncPeriod().isZero() || minSyncPeriod().isNegative()) {
            throw new InvalidInputException("syncPeriod must be > 0 and minSyncPeriod >= 0, not " + syncPeriod() + " and "
                    + minSyncPeriod(), "syncPeriod");
        }
    }

    /**
     * kube-proxy's defaults for IPv4 in this network namespace.
     *
     * @return kube-proxy's defaults for IPv4 in this network namespace
     */
    public static BackendContext defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a builder starting from the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BackendContext}; every setting has kube-proxy's default. */
    public static class Builder extends ImmutableBackendContext.Builder {
    }
}
