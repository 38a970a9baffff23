// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.route;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import java.util.Objects;

/** An address bound to an interface with its prefix length, host bits kept ({@code 10.99.0.2/24}). */
public record InterfaceAddress(IpAddress address, int prefixLength) {

    /**
     * An address with its prefix length.
     *
     * @param address the address, host bits kept
     * @param prefixLength 0-32 or 0-128
     * @throws dev.svcproxy.api.InvalidInputException for a length out of range
     */
    public InterfaceAddress {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > address.family().bits()) {
            throw new InvalidInputException("prefix length out of range 0-" + address.family().bits(), address + "/" + prefixLength);
        }
    }

    /**
     * The address alone ({@code /32} or {@code /128}), as kube-proxy binds service IPs to {@code kube-ipvs0}.
     *
     * @param address the address
     * @return the address with a full-length prefix
     */
    public static InterfaceAddress host(IpAddress address) {
        return new InterfaceAddress(address, address.family().bits());
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
