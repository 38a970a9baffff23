// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Port;
import dev.svcproxy.api.net.Protocol;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One member of a set. Which parts it has depends on the set type ({@link IpSet#check}); {@code cidr}/{@code cidr2}
 * are -1 when absent, {@code port} 0. {@link #toString()} is the {@code ipset save} form, e.g.
 * {@code 10.0.0.1,tcp:80,10.0.0.1} or {@code 10.0.0.0/24}.
 */
public record Entry(Optional<IpAddress> ip, int cidr, Optional<Protocol> protocol, int port, Optional<IpAddress> ip2,
                    int cidr2, Optional<String> member, OptionalInt timeout, Optional<String> comment) {

    /**
     * An entry; the factories below build the usual shapes.
     *
     * @param ip the first address, if the type has one
     * @param cidr its prefix length, -1 for a plain address
     * @param protocol the port's protocol, if the type has a port
     * @param port the port, 0 for none
     * @param ip2 the second address ({@code hash:ip,port,ip}, {@code hash:ip,port,net}), if any
     * @param cidr2 its prefix length, -1 for a plain address
     * @param member the member set's name ({@code list:set}), if any
     * @param timeout the entry's own timeout in seconds, if the set has timeouts
     * @param comment the entry's comment (at most 255 characters, no quotes), if the set has comments
     * @throws dev.svcproxy.api.InvalidInputException for a bad port, prefix length, comment or set name
     */
    public Entry {
        if (port != 0) {
            Port.check(port, "ipset entry");
        }
        if (ip.isPresent()) {
            checkCidr(ip.get(), cidr);
        }
        if (ip2.isPresent()) {
            checkCidr(ip2.get(), cidr2);
        }
        // a full-length prefix is the plain address, as ipset prints it
        cidr = ip.isPresent() && cidr == ip.get().family().bits() ? -1 : cidr;
        cidr2 = ip2.isPresent() && cidr2 == ip2.get().family().bits() ? -1 : cidr2;
        comment.ifPresent(c -> {
            if (c.length() > 255 || c.contains("\"") || c.chars().anyMatch(ch -> ch < ' ')) {
                throw new InvalidInputException("comment must be at most 255 characters, no quotes or control characters", c);
            }
        });
        member.ifPresent(IpSet::checkName);
    }

    private static void checkCidr(IpAddress a, int cidr) {
        if (cidr < -1 || cidr == 0 || cidr > a.family().bits()) {
            throw new InvalidInputException("prefix length out of range", a + "/" + cidr);
        }
    }

    /**
     * A {@code hash:ip} entry.
     *
     * @param ip the address
     * @return the entry
     */
    public static Entry ip(IpAddress ip) {
        return new Entry(Optional.of(ip), -1, Optional.empty(), 0, Optional.empty(), -1, Optional.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code hash:net} entry.
     *
     * @param net the network
     * @return the entry
     */
    public static Entry net(Cidr net) {
        return new Entry(Optional.of(net.network()), net.prefixLength(), Optional.empty(), 0, Optional.empty(), -1,
                Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code hash:ip,port} entry, e.g. {@code 10.96.0.10,udp:53}.
     *
     * @param ip the address
     * @param p the protocol
     * @param port the port
     * @return the entry
     */
    public static Entry ipPort(IpAddress ip, Protocol p, int port) {
        return new Entry(Optional.of(ip), -1, Optional.of(p), port, Optional.empty(), -1, Optional.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code hash:net,port} entry.
     *
     * @param net the network
     * @param p the protocol
     * @param port the port
     * @return the entry
     */
    public static Entry netPort(Cidr net, Protocol p, int port) {
        return new Entry(Optional.of(net.network()), net.prefixLength(), Optional.of(p), port, Optional.empty(), -1,
                Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code hash:ip,port,ip} entry, e.g. kube-proxy's {@code KUBE-LOOP-BACK} member
     * {@code 10.244.0.27,tcp:80,10.244.0.27}.
     *
     * @param ip the first address
     * @param p the protocol
     * @param port the port
     * @param ip2 the second address
     * @return the entry
     */
    public static Entry ipPortIp(IpAddress ip, Protocol p, int port, IpAddress ip2) {
        return new Entry(Optional.of(ip), -1, Optional.of(p), port, Optional.of(ip2), -1, Optional.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code hash:ip,port,net} entry.
     *
     * @param ip the address
     * @param p the protocol
     * @param port the port
     * @param net2 the network
     * @return the entry
     */
    public static Entry ipPortNet(IpAddress ip, Protocol p, int port, Cidr net2) {
        return new Entry(Optional.of(ip), -1, Optional.of(p), port, Optional.of(net2.network()), net2.prefixLength(),
                Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code bitmap:port} entry.
     *
     * @param port the port
     * @return the entry
     */
    public static Entry port(int port) {
        return new Entry(Optional.empty(), -1, Optional.empty(), port, Optional.empty(), -1, Optional.empty(),
                OptionalInt.empty(), Optional.empty());
    }

    /**
     * A {@code list:set} entry.
     *
     * @param setName the member set's name
     * @return the entry
     */
    public static Entry member(String setName) {
        return new Entry(Optional.empty(), -1, Optional.empty(), 0, Optional.empty(), -1, Optional.of(setName),
                OptionalInt.empty(), Optional.empty());
    }

    /**
     * This entry with a comment (the set needs {@code comment}).
     *
     * @param text at most 255 characters, no quotes or control characters
     * @return a new entry
     */
    public Entry withComment(String text) {
        return new Entry(ip, cidr, protocol, port, ip2, cidr2, member, timeout, Optional.of(text));
    }

    /**
     * This entry with its own timeout (the set needs {@code timeout}).
     *
     * @param seconds the timeout
     * @return a new entry
     */
    public Entry withTimeout(int seconds) {
        return new Entry(ip, cidr, protocol, port, ip2, cidr2, member, OptionalInt.of(seconds), comment);
    }

    /**
     * The same member without per-entry options (timeout, comment): its identity in the set.
     *
     * @return this entry, or a copy without timeout and comment
     */
    public Entry key() {
        if (timeout.isEmpty() && comment.isEmpty()) {
            return this;
        }
        return new Entry(ip, cidr, protocol, port, ip2, cidr2, member, OptionalInt.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        member.ifPresent(sb::append);
        ip.ifPresent(a -> sb.append(a).append(cidr > 0 && cidr < a.family().bits() ? "/" + cidr : ""));
        if (port != 0) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            protocol.ifPresent(p -> sb.append(p.lowerName()).append(':'));
            sb.append(port);
        }
        ip2.ifPresent(a -> sb.append(',').append(a).append(cidr2 > 0 && cidr2 < a.family().bits() ? "/" + cidr2 : ""));
        return sb.toString();
    }
}
