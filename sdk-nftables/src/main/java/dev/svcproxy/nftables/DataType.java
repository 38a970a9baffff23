// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The nft data types svcproxy's sets, maps and elements use, with {@code nft}'s type ids (the numbers the kernel
 * keeps in a set's key type), their sizes and byte orders, and the text {@code nft} reads and prints for a value.
 */
public enum DataType {
    /** nft's {@code verdict} type. */
    VERDICT("verdict", 1, 0, ByteOrder.nativeOrder(), 0),
    /** nft's {@code nf_proto} type. */
    NFPROTO("nf_proto", 2, 1, ByteOrder.nativeOrder(), 1),
    /** nft's {@code integer} type. */
    INTEGER("integer", 4, 4, ByteOrder.nativeOrder(), 1),
    /** nft's {@code ipv4_addr} type. */
    IPV4_ADDR("ipv4_addr", 7, 4, ByteOrder.BIG_ENDIAN, 2),
    /** nft's {@code ipv6_addr} type. */
    IPV6_ADDR("ipv6_addr", 8, 16, ByteOrder.BIG_ENDIAN, 2),
    /** nft's {@code inet_proto} type. */
    INET_PROTO("inet_proto", 12, 1, ByteOrder.BIG_ENDIAN, 0),
    /** nft's {@code inet_service} type. */
    INET_SERVICE("inet_service", 13, 2, ByteOrder.BIG_ENDIAN, 2),
    /** nft's {@code mark} type. */
    MARK("mark", 19, 4, ByteOrder.nativeOrder(), 1),
    /** nft's {@code ifname} type. */
    IFNAME("ifname", 41, 16, ByteOrder.BIG_ENDIAN, 1);

    /** The kernel's NFT_DATA_VERDICT, a map's data type when it maps to verdicts. */
    public static final long KERNEL_VERDICT_TYPE = 0xffffff00L;

    private final String keyword;
    private final int id;
    private final int length;
    private final ByteOrder order;
    private final int byteOrderTag;

    DataType(String keyword, int id, int length, ByteOrder order, int byteOrderTag) {
        this.keyword = keyword;
        this.id = id;
        this.length = length;
        this.order = order;
        this.byteOrderTag = byteOrderTag;
    }

    /**
     * The byte order {@code nft} records in a set's user data for this type (0 none, 1 host, 2 big endian); {@code nft
     * list} reads values by it, and sorts elements by it.
     *
     * @return the byte order {@code nft} records in a set's user data for this type (0 none, 1 host, 2 big endian)
     */
    public int byteOrderTag() {
        return byteOrderTag;
    }

    /**
     * How {@code nft} names the type.
     *
     * @return e.g. {@code ipv4_addr}
     */
    public String keyword() {
        return keyword;
    }

    /**
     * {@code nft}'s datatype id.
     *
     * @return {@code nft}'s datatype id
     */
    public int id() {
        return id;
    }

    /**
     * The value's size in bytes.
     *
     * @return the value's size in bytes
     */
    public int length() {
        return length;
    }

    /**
     * The type with {@code nft}'s id.
     *
     * @param id the id
     * @return the type
     * @throws dev.svcproxy.api.InvalidInputException for a type svcproxy does not model
     */
    public static DataType ofId(int id) {
        for (DataType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new InvalidInputException("unsupported nft data type id " + id, "set type");
    }

    /**
     * The type {@code nft} names so.
     *
     * @param keyword e.g. {@code inet_service}
     * @return the type
     * @throws dev.svcproxy.api.InvalidInputException for a type svcproxy does not model
     */
    public static DataType parse(String keyword) {
        for (DataType t : values()) {
            if (t.keyword.equals(keyword)) {
                return t;
            }
        }
        throw new InvalidInputException("unsupported nft data type", keyword);
    }

    /**
     * {@code value} as the kernel holds it; {@link InvalidInputException} naming the value if it is not of this type.
     *
     * @param value the value as {@code nft} writes it
     * @return {@code value} as the kernel holds it
     */
    public byte[] encode(String value) {
        try {
            return switch (this) {
                case IPV4_ADDR, IPV6_ADDR -> {
                    IpAddress a = IpAddress.parse(value);
                    if (a.family() != (this == IPV4_ADDR ? IpFamily.IPV4 : IpFamily.IPV6)) {
                        throw new InvalidInputException("is not an " + keyword, value);
                    }
                    yield a.bytes();
                }
                case INET_PROTO -> new byte[] {(byte) protocolNumber(value)};
                case NFPROTO -> new byte[] {(byte) (value.equals("ipv4") ? 2 : value.equals("ipv6") ? 10 : ranged(value, 0, 255))};
                case INET_SERVICE -> ByteBuffer.allocate(2).putShort((short) ranged(value, 0, 65535)).array();
                case MARK -> ByteBuffer.allocate(4).order(order).putInt((int) Long.decode(value).longValue()).array();
                case INTEGER -> ByteBuffer.allocate(4).order(order).putInt((int) ranged(value, 0, 0xffffffffL)).array();
                case IFNAME -> {
                    // "veth*" matches every name that starts with "veth": the prefix alone, unterminated, as nft sends it
                    boolean wildcard = value.endsWith("*");
                    byte[] b = (wildcard ? value.substring(0, value.length() - 1) : value).getBytes(StandardCharsets.UTF_8);
                    if (b.length >= 16 || wildcard && b.length == 0) {
                        throw new InvalidInputException("is not an interface name (1-15 bytes) or a prefix of one with *", value);
                    }
                    yield wildcard ? b : Arrays.copyOf(b, 16);
                }
                case VERDICT -> throw new InvalidInputException("a verdict is not a key value", value);
            };
        } catch (NumberFormatException e) {
            throw new InvalidInputException("is not an " + keyword, value);
        }
    }

    /**
     * The text {@code nft list} prints for {@code bytes}.
     *
     * @param bytes the bytes
     * @return the text {@code nft list} prints for {@code bytes}
     */
    public String format(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        return switch (this) {
            case IPV4_ADDR, IPV6_ADDR -> IpAddress.ofBytes(Arrays.copyOf(bytes, length)).toString();
            case INET_PROTO -> protocolName(bytes[0] & 0xff);
            case NFPROTO -> (bytes[0] & 0xff) == 2 ? "ipv4" : (bytes[0] & 0xff) == 10 ? "ipv6" : String.valueOf(bytes[0] & 0xff);
            case INET_SERVICE -> String.valueOf(b.order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff);
            case MARK -> String.format(Locale.ROOT, "0x%08x", b.getInt(0));
            case INTEGER -> String.valueOf(b.getInt(0) & 0xffffffffL);
            case IFNAME -> {
                int n = 0;
                while (n < bytes.length && bytes[n] != 0) {
                    n++;
                }
                boolean prefix = n == bytes.length && n < length; // unterminated and short: a wildcard
                yield "\"" + new String(bytes, 0, n, StandardCharsets.UTF_8) + (prefix ? "*" : "") + "\"";
            }
            case VERDICT -> throw new IllegalStateException("a verdict has no value bytes");
        };
    }

    /** How many elements {@code nft list} prints on one line before it breaks (its {@code calculate_delim}). */
    int elementsPerLine() {
        return switch (this) {
            case IPV4_ADDR, IPV6_ADDR -> 8;
            case INET_PROTO, INET_SERVICE, MARK, INTEGER, NFPROTO -> 16;
            default -> 1;
        };
    }

    private static long ranged(String value, long min, long max) {
        long v = Long.parseLong(value);
        if (v < min || v > max) {
            throw new NumberFormatException(value);
        }
        return v;
    }

    private static int protocolNumber(String value) {
        return switch (value) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "sctp" -> 132;
            case "icmp" -> 1;
            case "ipv6-icmp", "icmpv6" -> 58;
            default -> (int) ranged(value, 0, 255);
        };
    }

    private static String protocolName(int n) {
        return switch (n) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            case 1 -> "icmp";
            case 58 -> "ipv6-icmp";
            default -> String.valueOf(n);
        };
    }

    @Override
    public String toString() {
        return keyword;
    }
}
