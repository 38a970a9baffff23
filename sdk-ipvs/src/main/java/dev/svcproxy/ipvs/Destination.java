// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A real server of a virtual service as configured: address and port (its identity within the service),
 * forwarding method, weight (0-65535; 0 = no new connections), connection thresholds (0 = none) and, for TUNNEL,
 * the {@link Tunnel}. Counters are in {@link ObservedDestination}.
 */
public record Destination(IpAddress address, int port, ForwardingMethod forwarding, int weight, long upperThreshold,
                          long lowerThreshold, Optional<Tunnel> tunnel) {

    /**
     * A real server; TUNNEL without a tunnel gets {@link Tunnel#IPIP}.
     *
     * @param address its address
     * @param port its port, 0-65535 (0 with a firewall-mark service: any)
     * @param forwarding how packets reach it
     * @param weight 0-65535; 0 takes no new connections
     * @param upperThreshold the most connections, 0 for no limit
     * @param lowerThreshold the connections below which it takes new ones again, 0 for none
     * @param tunnel the tunnel, with TUNNEL forwarding only
     * @throws dev.svcproxy.api.InvalidInputException for a value out of range or a tunnel without TUNNEL
     */
    public Destination {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(tunnel, "tunnel");
        String what = ServiceKey.hostPort(address, port);
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("port must be 0-65535", what);
        }
        if (weight < 0 || weight > 65535) {
            throw new InvalidInputException("weight must be 0-65535", what + " -w " + weight);
        }
        if (upperThreshold < 0 || upperThreshold > 0xffffffffL || lowerThreshold < 0 || lowerThreshold > 0xffffffffL) {
            throw new InvalidInputException("thresholds must be unsigned 32-bit values", what);
        }
        if (forwarding == ForwardingMethod.TUNNEL && tunnel.isEmpty()) {
            tunnel = Optional.of(Tunnel.IPIP);
        }
        if (forwarding != ForwardingMethod.TUNNEL && tunnel.isPresent()) {
            throw new InvalidInputException("tunnel settings go with forwarding TUNNEL only", what);
        }
    }

    /**
     * A masqueraded (NAT) real server with {@code weight}, as kube-proxy adds endpoints (weight 1).
     *
     * @param address its address
     * @param port its port
     * @param weight 0-65535
     * @return the real server
     */
    public static Destination masq(IpAddress address, int port, int weight) {
        return new Destination(address, port, ForwardingMethod.MASQ, weight, 0, 0, Optional.empty());
    }

    /**
     * A real server without thresholds.
     *
     * @param address its address
     * @param port its port
     * @param forwarding how packets reach it
     * @param weight 0-65535
     * @return the real server
     */
    public static Destination of(IpAddress address, int port, ForwardingMethod forwarding, int weight) {
        return new Destination(address, port, forwarding, weight, 0, 0, Optional.empty());
    }

    /**
     * This real server with another weight.
     *
     * @param w 0-65535
     * @return a new real server
     */
    public Destination withWeight(int w) {
        return new Destination(address, port, forwarding, w, upperThreshold, lowerThreshold, tunnel);
    }

    /**
     * This real server with connection thresholds.
     *
     * @param upper the most connections, 0 for no limit
     * @param lower the connections below which it takes new ones again
     * @return a new real server
     */
    public Destination withThresholds(long upper, long lower) {
        return new Destination(address, port, forwarding, weight, upper, lower, tunnel);
    }

    /**
     * This real server reached through a tunnel (forwarding becomes TUNNEL).
     *
     * @param t the tunnel
     * @return a new real server
     */
    public Destination withTunnel(Tunnel t) {
        return new Destination(address, port, ForwardingMethod.TUNNEL, weight, upperThreshold, lowerThreshold, Optional.of(t));
    }

    /**
     * True if this is the same real server (address and port) as {@code o}.
     *
     * @param o another real server
     * @return true for the same address and port
     */
    public boolean sameServer(Destination o) {
        return port == o.port && address.equals(o.address);
    }

    /**
     * This destination as the kernel stores it under {@code service}: with direct routing or a tunnel the packet
     * keeps the service's port, so the kernel replaces the port with the service's (unless it is a mark service).
     *
     * @param service the service it belongs to
     * @return the real server as the kernel lists it
     */
    public Destination normalizedFor(ServiceKey service) {
        if (forwarding == ForwardingMethod.MASQ || service.isFwmark() || port == service.port()) {
            return this;
        }
        return new Destination(address, service.port(), forwarding, weight, upperThreshold, lowerThreshold, tunnel);
    }

    /**
     * {@code 10.244.0.27:80} or {@code [fd00::27]:80}.
     *
     * @return {@code ip:port}, or {@code [ip6]:port}
     */
    public String hostPort() {
        return ServiceKey.hostPort(address, port);
    }
}
