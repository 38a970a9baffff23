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
@Value.Immutable
public abstract class Endpoint implements Comparable<Endpoint> {

    public abstract IpAddress ip();

    public abstract int port();

    /** On this node. */
    @Value.Default
    public boolean local() {
        return false;
    }

    @Value.Default
    public boolean ready() {
        return true;
    }

    @Value.Default
    public boolean serving() {
        return true;
    }

    @Value.Default
    public boolean terminating() {
        return false;
    }

    /** Zones this endpoint is hinted for (topology-aware routing). */
    public abstract Set<String> zoneHints();

    /** Nodes this endpoint is hinted for. */
    public abstract Set<String> nodeHints();

    public HostPort hostPort() {
        return HostPort.of(ip(), port());
    }

    @Value.Check
    protected void check() {
        Port.check(port(), "endpoint " + ip());
    }

    public static Endpoint of(HostPort hostPort) {
        return builder().ip(hostPort.ip()).port(hostPort.port()).build();
    }

    /** Parses {@code ip:port}. */
    public static Endpoint parse(String text) {
        return of(HostPort.parse(text));
    }

    public static Builder builder() {
        return new Builder();
    }

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
