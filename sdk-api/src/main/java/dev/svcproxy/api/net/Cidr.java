// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;

/**
 * An IP prefix. Host bits are cleared when parsing ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}), as the kernel and
 * iptables do; {@code 10.1.2.3} without a length is a single-address prefix ({@code /32}, {@code /128}).
 */
public record Cidr(IpAddress network, int prefixLength) implements Comparable<Cidr> {

    /**
     * A prefix; host bits of {@code network} are cleared.
     *
     * @param network any address in the prefix
     * @param prefixLength 0-32 for IPv4, 0-128 for IPv6
     * @throws dev.svcproxy.api.InvalidInputException for a length out of range
     */
    public Cidr {
        if (prefixLength < 0 || prefixLength > network.family().bits()) {
            throw new InvalidInputException("prefix length " + prefixLength + " out of range 0-"
                    + network.family().bits(), network + "/" + prefixLength);
        }
        network = network.masked(prefixLength);
    }

    /**
     * Parses {@code ADDR/LEN} or a bare address.
     *
     * @param text the text to parse
     * @return the prefix
     */
    public static Cidr parse(String text) {
        return parse(text, false);
    }

    /**
     * Like {@link #parse} but reads zero-padded IPv4 octets and prefix lengths as decimal ({@code 203.0.113.000/025}
     * is {@code 203.0.113.0/25}), as Kubernetes' {@code ParseCIDRSloppy} reads CIDRs stored before it became strict.
     *
     * @param text the text to parse
     * @return the prefix
     */
    public static Cidr parseLenient(String text) {
        return parse(text, true);
    }

    private static Cidr parse(String text, boolean lenient) {
        if (text == null) {
            throw new InvalidInputException("empty CIDR", "null");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return of(lenient ? IpAddress.parseLenient(text) : IpAddress.parse(text));
        }
        String len = text.substring(slash + 1);
        if (!len.matches(lenient ? "[0-9]{1,3}" : "0|[1-9][0-9]{0,2}")) {
            throw new InvalidInputException("invalid prefix length '" + len + "'", text);
        }
        try {
            String ip = text.substring(0, slash);
            return new Cidr(lenient ? IpAddress.parseLenient(ip) : IpAddress.parse(ip), Integer.parseInt(len));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid CIDR: " + e.getMessage(), text, e);
        }
    }

    /**
     * The single-address prefix of {@code address}.
     *
     * @param address the address
     * @return the single-address prefix of {@code address}
     */
    public static Cidr of(IpAddress address) {
        return new Cidr(address, address.family().bits());
    }

    /**
     * The family of the prefix's address.
     *
     * @return IPv4 or IPv6
     */
    public IpFamily family() {
        return network.family();
    }

    /**
     * True if this prefix holds exactly one address.
     *
     * @return true if this prefix holds exactly one address
     */
    public boolean isSingleAddress() {
        return prefixLength == network.family().bits();
    }

    /**
     * Whether {@code address} lies in this prefix (always false for the other family).
     *
     * @param address the address to test
     * @return true if its first {@link #prefixLength()} bits match
     */
    public boolean contains(IpAddress address) {
        if (address.family() != family()) {
            return false;
        }
        for (int i = 0; i < prefixLength; i++) {
            if (address.bit(i) != network.bit(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Cidr o) {
        int c = network.compareTo(o.network);
        return c != 0 ? c : Integer.compare(prefixLength, o.prefixLength);
    }

    /** Always {@code ADDR/LEN}, also for a single address. */
    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
