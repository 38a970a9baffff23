// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.immutables.value.Value;

/**
 * The whole desired state of one IP family: every virtual service plus the node's own addresses. A backend's
 * {@code sync(table)} makes the kernel match it.
 */
@Value.Immutable
public abstract class ServiceTable {

    /**
     * The IP family every address in the table belongs to.
     *
     * @return the family
     */
    public abstract IpFamily family();

    /**
     * The virtual services, each name and protocol once.
     *
     * @return the services
     */
    public abstract List<VirtualService> services();

    /**
     * This node's addresses of {@link #family()} (for node ports and local-destination checks).
     *
     * @return this node's addresses of {@link #family()} (for node ports and local-destination checks)
     */
    public abstract List<IpAddress> nodeIps();

    /**
     * The cluster's service CIDRs of {@link #family()} (from {@code ServiceCIDR} objects), when known: cluster IPs are
     * allocated from them, so traffic to an address in them that no service holds can be dropped (kube-proxy's
     * nftables mode does). Empty when unknown.
     *
     * @return the cluster's service CIDRs of {@link #family()} (from {@code ServiceCIDR} objects), when known
     */
    public abstract List<dev.svcproxy.api.net.Cidr> serviceCidrs();

    /**
     * Rejects a service, service CIDR or node IP of the other family, and a service named twice (Immutables calls
     * this on build); the error names the object.
     */
    @Value.Check
    protected void check() {
        Set<Named> seen = new HashSet<>();
        for (VirtualService s : services()) {
            s.family().filter(f -> f != family()).ifPresent(f -> {
                throw new InvalidInputException("is " + f + " but the table is " + family(), s.name().toString());
            });
            if (!seen.add(new Named(s.name(), s.protocol()))) {
                throw new InvalidInputException("appears twice in the table", s.name() + "/" + s.protocol().lowerName());
            }
        }
        for (dev.svcproxy.api.net.Cidr c : serviceCidrs()) {
            if (c.family() != family()) {
                throw new InvalidInputException("service CIDR is not " + family(), c.toString());
            }
        }
        for (IpAddress ip : nodeIps()) {
            if (ip.family() != family()) {
                throw new InvalidInputException("node IP is not " + family(), ip.toString());
            }
        }
    }

    /** What a service is unique by in a table (a record: no string per service at each check). */
    private record Named(ServicePortName name, Protocol protocol) {
    }

    /**
     * An empty table of {@code family}.
     *
     * @param family the IP family
     * @return an empty table of {@code family}
     */
    public static ServiceTable empty(IpFamily family) {
        return builder().family(family).build();
    }

    /**
     * A builder; {@code family} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ServiceTable}. */
    public static class Builder extends ImmutableServiceTable.Builder {
    }
}
