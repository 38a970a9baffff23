// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;

/** An IP family, named as Kubernetes names it ({@code IPv4}, {@code IPv6}). */
public enum IpFamily {
    /** IPv4: 4-byte addresses. */
    IPV4("IPv4", 4, 32),
    /** IPv6: 16-byte addresses. */
    IPV6("IPv6", 16, 128);

    private final String text;
    private final int byteLength;
    private final int bits;

    IpFamily(String text, int byteLength, int bits) {
        this.text = text;
        this.byteLength = byteLength;
        this.bits = bits;
    }

    /**
     * Parses {@code IPv4} / {@code IPv6} (case-insensitive).
     *
     * @param text the text to parse
     * @return the family
     */
    public static IpFamily parse(String text) {
        for (IpFamily f : values()) {
            if (f.text.equalsIgnoreCase(text.strip())) {
                return f;
            }
        }
        throw new InvalidInputException("unknown IP family (expected IPv4 or IPv6)", text);
    }

    /**
     * Address width in bytes: 4 or 16.
     *
     * @return the length of {@link IpAddress#bytes()}
     */
    public int byteLength() {
        return byteLength;
    }

    /**
     * Address width in bits: 32 or 128.
     *
     * @return address width in bits
     */
    public int bits() {
        return bits;
    }

    /**
     * The all-addresses CIDR of this family: {@code 0.0.0.0/0} or {@code ::/0}.
     *
     * @return {@code 0.0.0.0/0} or {@code ::/0}
     */
    public Cidr any() {
        return Cidr.parse(this == IPV4 ? "0.0.0.0/0" : "::/0");
    }

    /**
     * The loopback range: {@code 127.0.0.0/8} or {@code ::1/128}.
     *
     * @return {@code 127.0.0.0/8} or {@code ::1/128}
     */
    public Cidr loopback() {
        return Cidr.parse(this == IPV4 ? "127.0.0.0/8" : "::1/128");
    }

    /**
     * The lower-case tool prefix, {@code ip} or {@code ip6} (as in {@code ip6tables}).
     *
     * @return the lower-case tool prefix, {@code ip} or {@code ip6} (as in {@code ip6tables})
     */
    public String toolPrefix() {
        return this == IPV4 ? "ip" : "ip6";
    }

    @Override
    public String toString() {
        return text;
    }
}
