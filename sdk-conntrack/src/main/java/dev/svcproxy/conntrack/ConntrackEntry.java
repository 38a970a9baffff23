// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One tracked connection: its {@link #original()} and {@link #reply()} tuples (they differ when the connection is
 * NATed: a DNATed service connection has the service address as original destination and the endpoint as
 * reply source), status bits, seconds left before it expires, mark, zone, the kernel's id and, for TCP, the state.
 * {@link #id()} is 0 for an entry not read from a table.
 */
public record ConntrackEntry(Tuple original, Tuple reply, long status, long timeoutSeconds, long mark, int zone, long id,
                             Optional<TcpState> tcpState) {

    /**
     * An entry.
     *
     * @param original the original direction's tuple
     * @param reply the reply direction's tuple, of the same family and protocol
     * @param status the status bits ({@link Status#bit()})
     * @param timeoutSeconds seconds before it expires, an unsigned 32-bit value
     * @param mark the connection mark, an unsigned 32-bit value
     * @param zone the conntrack zone, 0-65535
     * @param id the kernel's id, 0 for an entry not read from a table
     * @param tcpState the TCP state, for TCP
     * @throws dev.svcproxy.api.InvalidInputException for tuples of different families or protocols, or a value out of range
     */
    public ConntrackEntry {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(tcpState, "tcpState");
        if (original.family() != reply.family() || original.protocol() != reply.protocol()) {
            throw new InvalidInputException("original and reply tuples differ in family or protocol", original + " / " + reply);
        }
        if (timeoutSeconds < 0 || timeoutSeconds > 0xffffffffL || mark < 0 || mark > 0xffffffffL) {
            throw new InvalidInputException("timeout and mark must be unsigned 32-bit values", original.toString());
        }
        if (zone < 0 || zone > 65535) {
            throw new InvalidInputException("zone must be 0-65535", original.toString());
        }
    }

    /**
     * A new entry to create: {@code reply} as given (NATed when it is not {@code original.inverse()}).
     *
     * @param original the original direction
     * @param reply the reply direction
     * @param timeoutSeconds seconds before it expires
     * @return the entry (ESTABLISHED for TCP)
     */
    public static ConntrackEntry of(Tuple original, Tuple reply, long timeoutSeconds) {
        return new ConntrackEntry(original, reply, 0, timeoutSeconds, 0, 0, 0,
                original.protocol() == 6 ? Optional.of(TcpState.ESTABLISHED) : Optional.empty());
    }

    /**
     * A new un-NATed entry to create.
     *
     * @param original the original direction
     * @param timeoutSeconds seconds before it expires
     * @return the entry
     */
    public static ConntrackEntry of(Tuple original, long timeoutSeconds) {
        return of(original, original.inverse(), timeoutSeconds);
    }

    /**
     * This entry with another mark.
     *
     * @param newMark an unsigned 32-bit value
     * @return a new entry
     */
    public ConntrackEntry withMark(long newMark) {
        return new ConntrackEntry(original, reply, status, timeoutSeconds, newMark, zone, id, tcpState);
    }

    /**
     * This entry in another zone.
     *
     * @param newZone 0-65535
     * @return a new entry
     */
    public ConntrackEntry withZone(int newZone) {
        return new ConntrackEntry(original, reply, status, timeoutSeconds, mark, newZone, id, tcpState);
    }

    /**
     * This entry with another TCP state.
     *
     * @param state the state
     * @return a new entry
     */
    public ConntrackEntry withTcpState(TcpState state) {
        return new ConntrackEntry(original, reply, status, timeoutSeconds, mark, zone, id, Optional.of(state));
    }

    /**
     * The family of its addresses.
     *
     * @return IPv4 or IPv6
     */
    public IpFamily family() {
        return original.family();
    }

    /**
     * Its layer-4 protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, ...).
     *
     * @return the protocol number
     */
    public int protocol() {
        return original.protocol();
    }

    /**
     * Its status bits as a set.
     *
     * @return the statuses set
     */
    public Set<Status> statuses() {
        return Status.of(status);
    }

    /**
     * Whether a status bit is set.
     *
     * @param s the status
     * @return true if set
     */
    public boolean has(Status s) {
        return (status & s.bit()) != 0;
    }

    /**
     * True if the reply does not come from where the original went (DNAT, as for a service's connections).
     *
     * @return true for a DNATed connection
     */
    public boolean isDestinationNatted() {
        return !reply.src().equals(original.dst()) || reply.srcPort() != original.dstPort();
    }

    /**
     * The same connection (same zone and original tuple), whatever its state, timeout or id.
     *
     * @param o another entry
     * @return true for the same connection
     */
    public boolean sameConnection(ConntrackEntry o) {
        return zone == o.zone && original.equals(o.original);
    }

    /** Like one line of {@code conntrack -L}: {@code udp 17 29 src=... dst=... sport=... dport=... [UNREPLIED] src=... mark=0 zone=0}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(original.protocolName()).append(' ').append(original.protocol())
                .append(' ').append(timeoutSeconds).append(' ');
        tcpState.ifPresent(s -> b.append(s).append(' '));
        b.append(original);
        if (!has(Status.SEEN_REPLY)) {
            b.append(" [UNREPLIED]");
        }
        b.append(' ').append(reply);
        if (has(Status.ASSURED)) {
            b.append(" [ASSURED]");
        }
        return b.append(" mark=").append(mark).append(" zone=").append(zone).toString();
    }
}
