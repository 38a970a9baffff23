// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Port;
import dev.svcproxy.api.net.Protocol;
import java.util.Objects;
import java.util.Optional;

/**
 * What identifies a virtual service: protocol, address and port, or a firewall mark (with a family). Its
 * {@link #toString()} is how {@code ipvsadm -S -n} names it: {@code -t 10.101.57.97:80}, {@code -u [fd00::a]:53},
 * {@code --sctp-service 10.0.0.1:9000}, {@code -f 7}, {@code -f 8 -6}.
 */
public record ServiceKey(IpFamily family, Optional<Protocol> protocol, Optional<IpAddress> address, int port, long fwmark)
        implements Comparable<ServiceKey> {

    /**
     * A key; the factories build the two kinds.
     *
     * @param family the IP family
     * @param protocol the protocol, absent for a firewall mark
     * @param address the address, absent for a firewall mark
     * @param port the port, 0 for a firewall mark
     * @param fwmark the firewall mark, 0 for an address key
     * @throws dev.svcproxy.api.InvalidInputException for a half address, half mark key or a value out of range
     */
    public ServiceKey {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        if (fwmark != 0 ? protocol.isPresent() || address.isPresent() || port != 0
                : protocol.isEmpty() || address.isEmpty()) {
            throw new InvalidInputException("a virtual service is protocol+address+port or a firewall mark, not both",
                    protocol + " " + address + ":" + port + " fwmark " + fwmark);
        }
        if (fwmark < 0 || fwmark > 0xffffffffL) {
            throw new InvalidInputException("a firewall mark is 1-4294967295", String.valueOf(fwmark));
        }
        if (address.isPresent()) {
            if (address.get().family() != family) {
                throw new InvalidInputException("address is not of family " + family, address.get().toString());
            }
            Port.check(port, address.get() + " service port");
        }
    }

    /**
     * A TCP, UDP or SCTP service on {@code address:port}.
     *
     * @param protocol the protocol
     * @param address the address
     * @param port the port
     * @return the key
     */
    public static ServiceKey of(Protocol protocol, IpAddress address, int port) {
        return new ServiceKey(address.family(), Optional.of(protocol), Optional.of(address), port, 0);
    }

    /**
     * A service for packets marked {@code fwmark} (1-4294967295).
     *
     * @param family the family of the marked packets
     * @param fwmark the mark
     * @return the key
     */
    public static ServiceKey fwmark(IpFamily family, long fwmark) {
        if (fwmark == 0) {
            throw new InvalidInputException("a firewall mark is 1-4294967295", "0");
        }
        return new ServiceKey(family, Optional.empty(), Optional.empty(), 0, fwmark);
    }

    /**
     * Whether the service is selected by firewall mark.
     *
     * @return true for a mark key
     */
    public boolean isFwmark() {
        return fwmark != 0;
    }

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}. */
    static String hostPort(IpAddress a, int port) {
        return (a.family() == IpFamily.IPV6 ? "[" + a + "]" : a.toString()) + ":" + port;
    }

    /** ipvsadm's listing order: address services before marks, IPv4 before IPv6, then protocol, address, port. */
    @Override
    public int compareTo(ServiceKey o) {
        int c = Long.compare(fwmark, o.fwmark);
        if (c == 0) {
            c = family.compareTo(o.family);
        }
        if (c == 0) {
            c = Integer.compare(protocol.isPresent() ? protocol.get().number() : 0, o.protocol.isPresent() ? o.protocol.get().number() : 0);
        }
        if (c == 0 && address.isPresent() != o.address.isPresent()) {
            return address.isPresent() ? 1 : -1;
        }
        if (c == 0 && address.isPresent()) {
            c = address.get().compareTo(o.address.get());
        }
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        if (isFwmark()) {
            return "-f " + fwmark + (family == IpFamily.IPV6 ? " -6" : "");
        }
        String flag = switch (protocol.get()) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
        return flag + " " + hostPort(address.get(), port);
    }
}
