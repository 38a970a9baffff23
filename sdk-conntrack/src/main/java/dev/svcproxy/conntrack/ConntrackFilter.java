// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Port;
import dev.svcproxy.api.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which conntrack entries to list or delete: every condition set must hold. Addresses match by CIDR (a single
 * address is a /32 or /128), ports and protocol exactly, the mark under a mask, statuses all present.
 * {@link #toService}, {@link #toEndpoint} and {@link #toNodePort} are the filters kube-proxy's clean-up needs.
 */
public final class ConntrackFilter {
    private final Optional<IpFamily> family;
    private final int protocol;
    private final Cidr origSrc;
    private final Cidr origDst;
    private final Cidr replySrc;
    private final Cidr replyDst;
    private final int origSrcPort;
    private final int origDstPort;
    private final int replySrcPort;
    private final int replyDstPort;
    private final long mark;
    private final long markMask;
    private final int zone;
    private final long status;
    private final TcpState tcpState;
    private final Predicate<ConntrackEntry> where;
    private final String description;

    private ConntrackFilter(Builder b) {
        this.protocol = b.protocol;
        this.origSrc = b.origSrc;
        this.origDst = b.origDst;
        this.replySrc = b.replySrc;
        this.replyDst = b.replyDst;
        this.origSrcPort = b.origSrcPort;
        this.origDstPort = b.origDstPort;
        this.replySrcPort = b.replySrcPort;
        this.replyDstPort = b.replyDstPort;
        this.mark = b.mark;
        this.markMask = b.markMask;
        this.zone = b.zone;
        this.status = b.status;
        this.tcpState = b.tcpState;
        this.where = b.where;
        this.family = familyOf(b);
        this.description = describe();
    }

    private static Optional<IpFamily> familyOf(Builder b) {
        Optional<IpFamily> f = Optional.ofNullable(b.family);
        for (Cidr c : new Cidr[] {b.origSrc, b.origDst, b.replySrc, b.replyDst}) {
            if (c == null) {
                continue;
            }
            if (f.isPresent() && f.get() != c.family()) {
                throw new InvalidInputException("filter mixes IPv4 and IPv6", c.toString());
            }
            f = Optional.of(c.family());
        }
        return f;
    }

    /**
     * Entries of {@code protocol} whose original destination is {@code ip:port} (a service's connections).
     *
     * @param protocol the service's protocol
     * @param ip the service's address
     * @param port the service's port
     * @return the filter
     */
    public static ConntrackFilter toService(Protocol protocol, IpAddress ip, int port) {
        return builder().protocol(protocol).origDst(ip).origDstPort(port).build();
    }

    /**
     * Entries of {@code protocol} whose replies come from {@code ip:port} (connections DNATed to an endpoint).
     *
     * @param protocol the protocol
     * @param ip the endpoint's address
     * @param port the endpoint's port
     * @return the filter
     */
    public static ConntrackFilter toEndpoint(Protocol protocol, IpAddress ip, int port) {
        return builder().protocol(protocol).replySrc(ip).replySrcPort(port).build();
    }

    /**
     * Entries of {@code protocol} whose original destination port is {@code nodePort}, any address.
     *
     * @param protocol the protocol
     * @param family the family
     * @param nodePort the node port
     * @return the filter
     */
    public static ConntrackFilter toNodePort(Protocol protocol, IpFamily family, int nodePort) {
        return builder().family(family).protocol(protocol).origDstPort(nodePort).build();
    }

    /**
     * Every entry of {@code family}.
     *
     * @param family the family
     * @return the filter
     */
    public static ConntrackFilter all(IpFamily family) {
        return builder().family(family).build();
    }

    /**
     * A builder that matches everything until narrowed.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The family the filter is limited to, if any (given, or implied by an address).
     *
     * @return the family, if limited
     */
    public Optional<IpFamily> family() {
        return family;
    }

    /**
     * The layer-4 protocol the filter is limited to.
     *
     * @return its number, or -1 for any
     */
    public int protocol() {
        return protocol;
    }

    /**
     * The conditions on the original tuple.
     *
     * @return the conditions on the original tuple
     */
    public TupleCondition original() {
        return new TupleCondition(Optional.ofNullable(origSrc), Optional.ofNullable(origDst), origSrcPort, origDstPort);
    }

    /**
     * The conditions on the reply tuple.
     *
     * @return the conditions on the reply tuple
     */
    public TupleCondition reply() {
        return new TupleCondition(Optional.ofNullable(replySrc), Optional.ofNullable(replyDst), replySrcPort, replyDstPort);
    }

    /**
     * The mark an entry must have under {@link #markMask()} (0 under a mask of 0: any mark).
     *
     * @return the mark
     */
    public long mark() {
        return mark;
    }

    /**
     * The bits of the mark that {@link #mark()} sets.
     *
     * @return the mask, 0 for any mark
     */
    public long markMask() {
        return markMask;
    }

    /**
     * The status bits an entry must all have ({@link Status}).
     *
     * @return the bits, 0 for any status
     */
    public long status() {
        return status;
    }

    /**
     * The conditions on one direction's tuple: the address ranges, the ports (-1: any).
     *
     * @param src the source address range, if limited
     * @param dst the destination address range, if limited
     * @param srcPort the source port, or -1
     * @param dstPort the destination port, or -1
     */
    public record TupleCondition(Optional<Cidr> src, Optional<Cidr> dst, int srcPort, int dstPort) {
    }

    /**
     * Whether {@code e} meets every condition of the filter.
     *
     * @param e an entry
     * @return true if it matches
     */
    public boolean matches(ConntrackEntry e) {
        Tuple o = e.original();
        Tuple r = e.reply();
        return (family.isEmpty() || family.get() == e.family())
                && (protocol < 0 || protocol == e.protocol())
                && in(origSrc, o.src()) && in(origDst, o.dst()) && in(replySrc, r.src()) && in(replyDst, r.dst())
                && port(origSrcPort, o.srcPort()) && port(origDstPort, o.dstPort())
                && port(replySrcPort, r.srcPort()) && port(replyDstPort, r.dstPort())
                && (e.mark() & markMask) == mark
                && (zone < 0 || zone == e.zone())
                && (e.status() & status) == status
                && (tcpState == null || e.tcpState().equals(Optional.of(tcpState)))
                && (where == null || where.test(e));
    }

    private static boolean in(Cidr c, IpAddress a) {
        return c == null || c.family() == a.family() && c.contains(a);
    }

    private static boolean port(int want, int have) {
        return want < 0 || want == have;
    }

    private String describe() {
        List<String> p = new ArrayList<>();
        family.ifPresent(f -> p.add("-f " + (f == IpFamily.IPV4 ? "ipv4" : "ipv6")));
        if (protocol >= 0) {
            p.add("-p " + protocol);
        }
        add(p, "--orig-src", origSrc);
        add(p, "--orig-dst", origDst);
        add(p, "--reply-src", replySrc);
        add(p, "--reply-dst", replyDst);
        add(p, "--orig-port-src", origSrcPort);
        add(p, "--orig-port-dst", origDstPort);
        add(p, "--reply-port-src", replySrcPort);
        add(p, "--reply-port-dst", replyDstPort);
        if (markMask != 0) {
            p.add("--mark " + mark + "/0x" + Long.toHexString(markMask));
        }
        if (zone >= 0) {
            p.add("--zone " + zone);
        }
        if (status != 0) {
            p.add("--status " + Status.of(status));
        }
        if (tcpState != null) {
            p.add("--state " + tcpState);
        }
        if (where != null) {
            p.add("--where <predicate>");
        }
        return p.isEmpty() ? "(all entries)" : String.join(" ", p);
    }

    private static void add(List<String> p, String flag, Object v) {
        if (v != null && !(v instanceof Integer i && i < 0)) {
            p.add(flag + " " + (v instanceof Cidr c && c.isSingleAddress() ? c.network() : v));
        }
    }

    /** In the {@code conntrack} tool's words, e.g. {@code -p 17 --orig-dst 10.96.0.10 --orig-port-dst 53}. */
    @Override
    public String toString() {
        return description;
    }

    /** Builds a {@link ConntrackFilter}; an unset condition matches everything. */
    public static final class Builder {
        private IpFamily family;
        private int protocol = -1;
        private Cidr origSrc;
        private Cidr origDst;
        private Cidr replySrc;
        private Cidr replyDst;
        private int origSrcPort = -1;
        private int origDstPort = -1;
        private int replySrcPort = -1;
        private int replyDstPort = -1;
        private long mark;
        private long markMask;
        private int zone = -1;
        private long status;
        private TcpState tcpState;
        private Predicate<ConntrackEntry> where;

        private Builder() {
        }

        /**
         * Only entries of {@code f}.
         *
         * @param f the family
         * @return this builder
         */
        public Builder family(IpFamily f) {
            this.family = Objects.requireNonNull(f);
            return this;
        }

        /**
         * Only entries of a service protocol.
         *
         * @param p TCP, UDP or SCTP
         * @return this builder
         */
        public Builder protocol(Protocol p) {
            return protocol(p.number());
        }

        /**
         * Any layer-4 protocol by number (1 icmp, 6 tcp, 17 udp, 58 ipv6-icmp, 132 sctp, ...).
         *
         * @param number 0-255
         * @return this builder
         */
        public Builder protocol(int number) {
            if (number < 0 || number > 255) {
                throw new InvalidInputException("protocol number must be 0-255", String.valueOf(number));
            }
            this.protocol = number;
            return this;
        }

        /**
         * Only entries whose original source address is in {@code c}.
         *
         * @param c the range
         * @return this builder
         */
        public Builder origSrc(Cidr c) {
            this.origSrc = c;
            return this;
        }

        /**
         * Only entries whose original source address is {@code a}.
         *
         * @param a the address
         * @return this builder
         */
        public Builder origSrc(IpAddress a) {
            return origSrc(Cidr.of(a));
        }

        /**
         * Only entries whose original destination address is in {@code c}.
         *
         * @param c the range
         * @return this builder
         */
        public Builder origDst(Cidr c) {
            this.origDst = c;
            return this;
        }

        /**
         * Only entries whose original destination address is {@code a}.
         *
         * @param a the address
         * @return this builder
         */
        public Builder origDst(IpAddress a) {
            return origDst(Cidr.of(a));
        }

        /**
         * Only entries whose reply source address is in {@code c}.
         *
         * @param c the range
         * @return this builder
         */
        public Builder replySrc(Cidr c) {
            this.replySrc = c;
            return this;
        }

        /**
         * Only entries whose reply source address is {@code a}.
         *
         * @param a the address
         * @return this builder
         */
        public Builder replySrc(IpAddress a) {
            return replySrc(Cidr.of(a));
        }

        /**
         * Only entries whose reply destination address is in {@code c}.
         *
         * @param c the range
         * @return this builder
         */
        public Builder replyDst(Cidr c) {
            this.replyDst = c;
            return this;
        }

        /**
         * Only entries whose reply destination address is {@code a}.
         *
         * @param a the address
         * @return this builder
         */
        public Builder replyDst(IpAddress a) {
            return replyDst(Cidr.of(a));
        }

        /**
         * Only entries whose original source port is {@code p}.
         *
         * @param p 1-65535
         * @return this builder
         */
        public Builder origSrcPort(int p) {
            this.origSrcPort = Port.check(p, "original source port");
            return this;
        }

        /**
         * Only entries whose original destination port is {@code p}.
         *
         * @param p 1-65535
         * @return this builder
         */
        public Builder origDstPort(int p) {
            this.origDstPort = Port.check(p, "original destination port");
            return this;
        }

        /**
         * Only entries whose reply source port is {@code p}.
         *
         * @param p 1-65535
         * @return this builder
         */
        public Builder replySrcPort(int p) {
            this.replySrcPort = Port.check(p, "reply source port");
            return this;
        }

        /**
         * Only entries whose reply destination port is {@code p}.
         *
         * @param p 1-65535
         * @return this builder
         */
        public Builder replyDstPort(int p) {
            this.replyDstPort = Port.check(p, "reply destination port");
            return this;
        }

        /**
         * Entries whose mark, under {@code mask}, is {@code value}.
         *
         * @param value the mark, an unsigned 32-bit value
         * @param mask the bits compared
         * @return this builder
         */
        public Builder mark(long value, long mask) {
            if (value < 0 || value > 0xffffffffL || mask < 0 || mask > 0xffffffffL) {
                throw new InvalidInputException("mark and mask must be unsigned 32-bit values", value + "/" + mask);
            }
            this.mark = value & mask;
            this.markMask = mask;
            return this;
        }

        /**
         * Only entries in conntrack zone {@code z}.
         *
         * @param z 0-65535
         * @return this builder
         */
        public Builder zone(int z) {
            if (z < 0 || z > 65535) {
                throw new InvalidInputException("zone must be 0-65535", String.valueOf(z));
            }
            this.zone = z;
            return this;
        }

        /**
         * Entries with (at least) this status bit; may be called several times.
         *
         * @param s the status
         * @return this builder
         */
        public Builder status(Status s) {
            this.status |= s.bit();
            return this;
        }

        /**
         * Only TCP entries in state {@code s}.
         *
         * @param s the state
         * @return this builder
         */
        public Builder tcpState(TcpState s) {
            this.tcpState = Objects.requireNonNull(s);
            return this;
        }

        /**
         * Any further condition (e.g. "the reply source is not a serving endpoint"); applied last.
         *
         * @param p the condition
         * @return this builder
         */
        public Builder where(Predicate<ConntrackEntry> p) {
            this.where = this.where == null ? p : this.where.and(p);
            return this;
        }

        /**
         * The filter.
         *
         * @return a new filter
         */
        public ConntrackFilter build() {
            return new ConntrackFilter(this);
        }
    }
}
