// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address. Text is parsed without any name lookup; {@link #toString()} is the canonical form
 * (dotted quad; RFC 5952 for IPv6: lower case, longest zero run compressed).
 *
 * <p>{@link #parse} is strict: zero-padded IPv4 octets such as {@code 010.0.0.1} are refused because other
 * tools read them as octal. {@link #parseLenient} reads them as decimal, as Kubernetes' "sloppy" parser does
 * for objects created before it became strict.
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final byte[] bytes;
    private String text; // computed once; racy but idempotent

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** An address whose canonical text is {@code text}: kept, not formatted again (the caller's string is shared). */
    private IpAddress(byte[] bytes, String text) {
        this.bytes = bytes;
        this.text = text;
    }

    /**
     * Parses a canonical or RFC 4291 IPv4/IPv6 literal; refuses zero-padded IPv4 octets, zones and mapped IPv4.
     *
     * @param text the text to parse
     * @return the address
     */
    public static IpAddress parse(String text) {
        return parse(text, false);
    }

    /**
     * Like {@link #parse} but reads zero-padded IPv4 octets as decimal ({@code 010.0.0.1} is {@code 10.0.0.1}).
     *
     * @param text the text to parse
     * @return the address
     */
    public static IpAddress parseLenient(String text) {
        return parse(text, true);
    }

    /**
     * An address from its 4 or 16 network-order bytes.
     *
     * @param bytes the bytes
     * @return an address from its 4 or 16 network-order bytes
     */
    public static IpAddress ofBytes(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new InvalidInputException("an IP address has 4 or 16 bytes, not " + bytes.length, "address");
        }
        return new IpAddress(bytes.clone());
    }

    private static IpAddress parse(String text, boolean lenient) {
        if (text == null || text.isEmpty()) {
            throw new InvalidInputException("empty IP address", String.valueOf(text));
        }
        if (text.indexOf(':') >= 0) {
            return new IpAddress(parseV6(text));
        }
        byte[] b = parseV4(text, lenient);
        if (b == null) {
            throw new InvalidInputException("invalid IP address", text);
        }
        return lenient && zeroPadded(text) ? new IpAddress(b) : new IpAddress(b, text); // strict: padding was refused
    }

    /** Whether a leniently parsed IPv4 text has an octet with a leading zero ({@code 010}), so is not canonical. */
    private static boolean zeroPadded(String text) {
        for (int i = 0; i + 1 < text.length(); i++) {
            if (text.charAt(i) == '0' && (i == 0 || text.charAt(i - 1) == '.') && text.charAt(i + 1) != '.') {
                return true;
            }
        }
        return false;
    }

    /** Four decimal octets of one to three digits, separated by dots (no split, no streams: every endpoint's address passes here). */
    private static byte[] parseV4(String text, boolean lenient) {
        int dots = 0;
        for (int i = 0; i < text.length(); i++) {
            dots += text.charAt(i) == '.' ? 1 : 0;
        }
        if (dots != 3) {
            return null;
        }
        byte[] b = new byte[4];
        int start = 0;
        for (int i = 0; i < 4; i++) {
            int end = i == 3 ? text.length() : text.indexOf('.', start);
            if (end == start || end - start > 3) {
                return null;
            }
            int v = 0;
            for (int j = start; j < end; j++) {
                char c = text.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + c - '0';
            }
            if (end - start > 1 && text.charAt(start) == '0' && !lenient) {
                throw new InvalidInputException("zero-padded IPv4 octet '" + text.substring(start, end) + "' is ambiguous (octal or decimal?);"
                        + " write " + v + " (or use parseLenient)", text);
            }
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
            start = end + 1;
        }
        return b;
    }

    private static byte[] parseV6(String text) {
        if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new InvalidInputException("invalid IPv6 address (zones, brackets and other characters are not allowed)", text);
        }
        byte[] b;
        try {
            b = InetAddress.getByName(text).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException | RuntimeException e) {
            throw new InvalidInputException("invalid IPv6 address", text, e);
        }
        if (b.length != 16) {
            throw new InvalidInputException("IPv4-mapped IPv6 addresses are not supported; use the IPv4 form", text);
        }
        return b;
    }

    /**
     * IPv4 (4 bytes) or IPv6 (16 bytes).
     *
     * @return the family
     */
    public IpFamily family() {
        return bytes.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /**
     * The address in network byte order (a copy).
     *
     * @return the address in network byte order (a copy)
     */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Bit {@code i} counted from the most significant bit of the first byte. */
    boolean bit(int i) {
        return (bytes[i >> 3] & (0x80 >> (i & 7))) != 0;
    }

    /** This address with the bits after {@code prefix} cleared: itself when none is set (a host's /32, say). */
    IpAddress masked(int prefix) {
        byte[] m = bytes.clone();
        for (int i = prefix; i < m.length * 8; i++) {
            m[i >> 3] &= (byte) ~(0x80 >> (i & 7));
        }
        return Arrays.equals(m, bytes) ? this : new IpAddress(m);
    }

    /**
     * Whether this is a loopback address ({@code 127.0.0.0/8} or {@code ::1}).
     *
     * @return true for loopback
     */
    public boolean isLoopback() {
        return family().loopback().contains(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && Arrays.equals(bytes, a.bytes);
    }

    /**
     * The address's bits folded into an int: an IPv4 address is its own 32-bit value, so no two collide (a polynomial
     * hash of the bytes, as {@link Arrays#hashCode(byte[])}, gives 10,000 service IPs in one /16 only about 1,500
     * values, and sets of them degrade to linear scans).
     */
    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < bytes.length; i += 4) {
            h = Integer.rotateLeft(h, 13) ^ ((bytes[i] & 0xff) << 24 | (bytes[i + 1] & 0xff) << 16 | (bytes[i + 2] & 0xff) << 8
                    | bytes[i + 3] & 0xff);
        }
        return h;
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Integer.compare(bytes.length, o.bytes.length);
        return c != 0 ? c : Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = format();
            text = t;
        }
        return t;
    }

    private String format() {
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
