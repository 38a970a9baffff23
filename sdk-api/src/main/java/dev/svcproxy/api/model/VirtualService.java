// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Port;
import dev.svcproxy.api.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One service port as a backend programs it: its frontends (cluster IP, node port, external and load-balancer
 * IPs with source ranges), traffic policies, affinity, scheduler and categorised endpoints. All addresses are of
 * one IP family.
 *
 * <p>Endpoints come already categorised: {@link #clusterEndpoints()} serve traffic that may go anywhere,
 * {@link #localEndpoints()} traffic whose policy is {@code Local}. A plain load balancer sets only
 * {@code clusterEndpoints}.
 */
@Value.Immutable(prehash = true) // a key of the rules caches: hashed once, not at every lookup of every sync
public abstract class VirtualService {

    /**
     * The Service port's identity, {@code namespace/name:port}: what chain names hash and errors name.
     *
     * @return the name
     */
    public abstract ServicePortName name();

    /**
     * TCP, UDP or SCTP.
     *
     * @return the protocol
     */
    public abstract Protocol protocol();

    /**
     * The service port (the port clients connect to on the cluster IP).
     *
     * @return the service port (the port clients connect to on the cluster IP)
     */
    public abstract int port();

    /**
     * The cluster IP, if the service has one (empty for a node-port-only or external-IP-only service).
     *
     * @return the cluster IP
     */
    public abstract Optional<IpAddress> clusterIp();

    /**
     * The node port, or 0 for none.
     *
     * @return the node port, or 0 for none
     */
    @Value.Default
    public int nodePort() {
        return 0;
    }

    /**
     * The Service's {@code externalIPs}: traffic to them on {@link #port()} is the service's.
     *
     * @return the external IPs
     */
    public abstract List<IpAddress> externalIps();

    /**
     * The load balancer's ingress IPs ({@code status.loadBalancer.ingress}).
     *
     * @return the load-balancer IPs
     */
    public abstract List<IpAddress> loadBalancerIps();

    /**
     * The sources allowed to reach the load-balancer IPs ({@code loadBalancerSourceRanges}); empty allows all.
     *
     * @return the allowed source ranges
     */
    public abstract List<Cidr> loadBalancerSourceRanges();

    /**
     * How traffic from outside the cluster picks endpoints: {@code Cluster} (any, default) or {@code Local}
     * (this node's only).
     *
     * @return the external traffic policy
     */
    @Value.Default
    public TrafficPolicy externalTrafficPolicy() {
        return TrafficPolicy.CLUSTER;
    }

    /**
     * How traffic from inside the cluster picks endpoints: {@code Cluster} (default) or {@code Local}.
     *
     * @return the internal traffic policy
     */
    @Value.Default
    public TrafficPolicy internalTrafficPolicy() {
        return TrafficPolicy.CLUSTER;
    }

    /**
     * Whether a client sticks to one endpoint, and for how long; none by default.
     *
     * @return the session affinity
     */
    @Value.Default
    public SessionAffinity sessionAffinity() {
        return SessionAffinity.NONE;
    }

    /**
     * The health-check node port (externalTrafficPolicy Local load balancers), or 0 for none.
     *
     * @return the health-check node port (externalTrafficPolicy Local load balancers), or 0 for none
     */
    @Value.Default
    public int healthCheckNodePort() {
        return 0;
    }

    /**
     * The {@link dev.svcproxy.api.spi.Scheduler} that splits traffic over endpoints; {@code random} by default.
     *
     * @return the {@link dev.svcproxy.api.spi.Scheduler} that splits traffic over endpoints
     */
    @Value.Default
    public String scheduler() {
        return "random";
    }

    /**
     * The Service's annotations, for schedulers that read their settings there (e.g. weights).
     *
     * @return the annotations, by key
     */
    public abstract java.util.Map<String, String> annotations();

    /**
     * Endpoints for cluster-wide traffic, in any order (backends sort them as kube-proxy does).
     *
     * @return endpoints for cluster-wide traffic, in any order (backends sort them as kube-proxy does)
     */
    public abstract List<Endpoint> clusterEndpoints();

    /**
     * Endpoints on this node for traffic with a {@code Local} policy.
     *
     * @return endpoints on this node for traffic with a {@code Local} policy
     */
    public abstract List<Endpoint> localEndpoints();

    /**
     * Whether the service has any usable endpoint at all (ready, or serving while terminating), even if
     * topology filtering left none in the two lists; false makes backends reject its traffic.
     *
     * @return whether the service has any usable endpoint at all (ready, or serving while terminating), even if topology filtering left none in the two lists
     */
    @Value.Default
    public boolean hasAnyEndpoints() {
        return !clusterEndpoints().isEmpty() || !localEndpoints().isEmpty();
    }

    /**
     * Reachable from outside the node: a node port, external IPs or load-balancer IPs.
     *
     * @return true for a node port, external IPs or load-balancer IPs
     */
    public boolean isExternallyAccessible() {
        return nodePort() != 0 || !externalIps().isEmpty() || !loadBalancerIps().isEmpty();
    }

    /**
     * The IP family of its addresses, if it has any.
     *
     * @return the IP family of its addresses, if it has any
     */
    public Optional<IpFamily> family() {
        if (clusterIp().isPresent()) { // the first of addresses(), without listing them: a table checks every service
            return Optional.of(clusterIp().get().family());
        }
        List<IpAddress> all = addresses();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0).family());
    }

    private List<IpAddress> addresses() {
        List<IpAddress> all = new ArrayList<>();
        clusterIp().ifPresent(all::add);
        all.addAll(externalIps());
        all.addAll(loadBalancerIps());
        clusterEndpoints().forEach(e -> all.add(e.ip()));
        localEndpoints().forEach(e -> all.add(e.ip()));
        loadBalancerSourceRanges().forEach(c -> all.add(c.network()));
        return all;
    }

    /**
     * Rejects bad ports, mixed IP families, a local endpoint not marked local and an empty scheduler name, naming
     * the service (Immutables calls this on build).
     */
    @Value.Check
    protected void check() {
        String id = name().toString();
        Port.check(port(), id + " port");
        if (nodePort() != 0) {
            Port.check(nodePort(), id + " nodePort");
        }
        if (healthCheckNodePort() != 0) {
            Port.check(healthCheckNodePort(), id + " healthCheckNodePort");
        }
        List<IpAddress> all = addresses();
        for (IpAddress a : all) {
            if (a.family() != all.get(0).family()) {
                throw new InvalidInputException("mixes IP families (" + all.get(0) + " and " + a
                        + "); a virtual service is single-family", id);
            }
        }
        for (Endpoint e : localEndpoints()) {
            if (!e.local()) {
                throw new InvalidInputException("local endpoint " + e + " is not marked local", id);
            }
        }
        if (scheduler().isBlank()) {
            throw new InvalidInputException("empty scheduler name", id);
        }
    }

    /**
     * A builder; {@code name}, {@code protocol} and {@code port} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link VirtualService}. */
    public static class Builder extends ImmutableVirtualService.Builder {
    }
}
