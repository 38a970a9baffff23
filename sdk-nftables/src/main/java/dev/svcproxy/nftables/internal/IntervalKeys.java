// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.nftables.DataType;
import dev.svcproxy.nftables.Element;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Elements of an interval set of addresses: a single address, a prefix ({@code 10.0.0.0/8}) or a range
 * ({@code 10.0.0.5-10.0.0.9}), as a first and last address; written back as {@code nft} prints them (a range that
 * is exactly a prefix prints as the prefix).
 */
public final class IntervalKeys {
    private IntervalKeys() {
    }

    /** An interval: its first and last value, as unsigned numbers of the type's width. */
    public record Interval(BigInteger first, BigInteger last) {
    }

    public static boolean supports(DataType t) {
        return t == DataType.IPV4_ADDR || t == DataType.IPV6_ADDR;
    }

    public static Interval parse(DataType t, String text) {
        int slash = text.indexOf('/');
        int dash = text.indexOf('-');
        if (slash > 0) {
            BigInteger base = number(t, text.substring(0, slash));
            int bits = t.length() * 8;
            int len;
            try {
                len = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > bits) {
                throw new InvalidInputException("has a prefix length outside 0-" + bits, text);
            }
            BigInteger size = BigInteger.ONE.shiftLeft(bits - len);
            BigInteger first = base.subtract(base.mod(size));
            return new Interval(first, first.add(size).subtract(BigInteger.ONE));
        }
        if (dash > 0) {
            Interval i = new Interval(number(t, text.substring(0, dash)), number(t, text.substring(dash + 1)));
            if (i.first().compareTo(i.last()) > 0) {
                throw new InvalidInputException("is a range that ends before it starts", text);
            }
            return i;
        }
        BigInteger v = number(t, text);
        return new Interval(v, v);
    }

    private static BigInteger number(DataType t, String text) {
        return new BigInteger(1, t.encode(text));
    }

    public static byte[] bytes(DataType t, BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[t.length()];
        int n = Math.min(b.length, out.length);
        System.arraycopy(b, b.length - n, out, out.length - n, n);
        return out;
    }

    /** The interval as {@code nft} prints it. */
    public static String format(DataType t, Interval i) {
        String first = t.format(bytes(t, i.first()));
        if (i.first().equals(i.last())) {
            return first;
        }
        BigInteger size = i.last().subtract(i.first()).add(BigInteger.ONE);
        if (size.bitCount() == 1 && i.first().mod(size).signum() == 0) {
            return first + "/" + (t.length() * 8 - (size.bitLength() - 1));
        }
        return first + "-" + t.format(bytes(t, i.last()));
    }

    public static String canonical(DataType t, String text) {
        return format(t, parse(t, text));
    }

    /** True for the largest value of the type (an interval ending there has no end element in the kernel). */
    public static boolean isMax(DataType t, BigInteger v) {
        byte[] ff = new byte[t.length()];
        Arrays.fill(ff, (byte) 0xff);
        return new BigInteger(1, ff).equals(v);
    }

    /** The first address of an element's interval. */
    public static BigInteger first(DataType t, Element e) {
        return parse(t, e.key().get(0)).first();
    }

    /** The last address of an element's interval. */
    public static BigInteger last(DataType t, Element e) {
        return parse(t, e.key().get(0)).last();
    }
}
