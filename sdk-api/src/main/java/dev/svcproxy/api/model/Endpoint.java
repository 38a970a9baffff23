// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Port;
import java.util.Set;
import org.immutables.value.Value;

/**
 * One backend of a virtual service: address, port and the conditions kube-proxy categorises endpoints by.
 * Its text form ({@link #toString()}) is {@code ip:port} / {@code [ip]:port}, the string kube-proxy hashes.
 */
@Value.Immutable(prehash = true) // a key of the rules caches: hashed once, not at every lookup of every sync
public abstract class Endpoint implements Comparable<Endpoint> {

    /**
     * The endpoint's address (a pod's IP).
     *
     * @return the address
     */
    public abstract IpAddress ip();

    /**
     * The endpoint's port, 1-65535.
     *
     * @return the port
     */
    public abstract int port();

    /**
     * On this node.
     *
     * @return true for an endpoint on this node
     */
    @Value.Default
    public boolean local() {
        return false;
    }

    /**
     * Ready to serve (EndpointSlice {@code conditions.ready}; true when absent, as Kubernetes reads it).
     *
     * @return whether the endpoint is ready
     */
    @Value.Default
    public boolean ready() {
        return true;
    }

    /**
     * Serving (EndpointSlice {@code conditions.serving}): may still take traffic while terminating.
     *
     * @return whether the endpoint is serving
     */
    @Value.Default
    public boolean serving() {
        return true;
    }

    /**
     * Terminating (EndpointSlice {@code conditions.terminating}).
     *
     * @return whether the endpoint is shutting down
     */
    @Value.Default
    public boolean terminating() {
        return false;
    }

    /**
     * Zones this endpoint is hinted for (topology-aware routing).
     *
     * @return zones this endpoint is hinted for (topology-aware routing)
     */
    public abstract Set<String> zoneHints();

    /**
     * Nodes this endpoint is hinted for.
     *
     * @return nodes this endpoint is hinted for
     */
    public abstract Set<String> nodeHints();

    /**
     * The address and port together.
     *
     * @return {@code ip:port}
     */
    public HostPort hostPort() {
        return HostPort.of(ip(), port());
    }

    /** Rejects a port outside 1-65535, naming the endpoint (Immutables calls this on build). */
    @Value.Check
    protected void check() {
        Port.check(port(), "endpoint " + ip());
    }

    /**
     * A ready, serving, non-local endpoint at {@code hostPort}.
     *
     * @param hostPort the address and port
     * @return the endpoint
     */
    public static Endpoint of(HostPort hostPort) {
        return builder().ip(hostPort.ip()).port(hostPort.port()).build();
    }

    /**
     * Parses {@code ip:port}.
     *
     * @param text the text to parse
     * @return the endpoint
     */
    public static Endpoint parse(String text) {
        return of(HostPort.parse(text));
    }

    /**
     * A builder; {@code ip} and {@code port} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link Endpoint}; unset conditions keep their defaults (ready, serving, not terminating, not local).
     */
    public static class Builder extends ImmutableEndpoint.Builder {
    }

    /** Orders as kube-proxy does: by the {@code ip:port} text. */
    @Override
    public int compareTo(Endpoint o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return hostPort().toString();
    }
}
