// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The attributes of a message or of a nested attribute, by type (flags masked off). Unknown types are simply
 * there to ignore; a truncated or malformed attribute stream throws {@link MalformedMessageException}. An index of
 * where each attribute's payload lies in the message's buffer, which nested attributes share: a payload becomes a
 * buffer of its own only when {@link #get} or {@link #all} asks (a dump of 50,000 conntrack entries, some 20
 * attributes each, made two buffers, a list and a map entry per attribute before).
 */
public final class Attributes {
    /** The message's bytes in host byte order; positions below are absolute indexes into it. */
    private final ByteBuffer buf;
    private final int[] types;
    private final int[] starts;
    private final int[] lengths;
    private final int count;

    private Attributes(ByteBuffer buf, int[] types, int[] starts, int[] lengths, int count) {
        this.buf = buf;
        this.types = types;
        this.starts = starts;
        this.lengths = lengths;
        this.count = count;
    }

    /**
     * Parses the attributes in {@code buf} from its position to its limit.
     *
     * @param buf the attributes' bytes, from the buffer's position to its limit
     * @return the attributes
     */
    public static Attributes parse(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.nativeOrder());
        return parse(b, 0, b.limit());
    }

    /** The attributes in {@code b[from, to)}, {@code b} in host byte order. */
    private static Attributes parse(ByteBuffer b, int from, int to) {
        int[] types = new int[8];
        int[] starts = new int[8];
        int[] lengths = new int[8];
        int n = 0;
        int at = from;
        while (to - at >= 4) {
            int len = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & Netlink.NLA_TYPE_MASK;
            if (len < 4 || at + len > to) {
                throw new MalformedMessageException("attribute " + type + " of length " + len + " at offset " + (at - from)
                        + " overruns its " + (to - from) + "-byte container");
            }
            if (n == types.length) {
                types = Arrays.copyOf(types, n * 2);
                starts = Arrays.copyOf(starts, n * 2);
                lengths = Arrays.copyOf(lengths, n * 2);
            }
            types[n] = type;
            starts[n] = at + 4;
            lengths[n] = len - 4;
            n++;
            at = Math.min(to, at + Netlink.align(len));
        }
        if (to - at != 0) {
            throw new MalformedMessageException((to - at) + " stray bytes after the attributes");
        }
        return new Attributes(b, types, starts, lengths, n);
    }

    /** The index of the first attribute of {@code type}, or -1. */
    private int find(int type) {
        for (int i = 0; i < count; i++) {
            if (types[i] == type) {
                return i;
            }
        }
        return -1;
    }

    private ByteBuffer payload(int i) {
        return buf.duplicate().position(starts[i]).limit(starts[i] + lengths[i]).slice().order(ByteOrder.nativeOrder());
    }

    /**
     * Whether an attribute of {@code type} is present.
     *
     * @param type the attribute type
     * @return true if present
     */
    public boolean has(int type) {
        return find(type) >= 0;
    }

    /**
     * The payload of the first attribute of {@code type}.
     *
     * @param type the attribute type
     * @return its payload, if present
     */
    public Optional<ByteBuffer> get(int type) {
        int i = find(type);
        return i < 0 ? Optional.empty() : Optional.of(payload(i));
    }

    /**
     * Every attribute of {@code type}, in order (e.g. the entries of a list).
     *
     * @param type the attribute type
     * @return their payloads
     */
    public List<ByteBuffer> all(int type) {
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (types[i] == type) {
                out.add(payload(i));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The attribute types present, in the order they first appear.
     *
     * @return the types, without flags
     */
    public Set<Integer> types() {
        Set<Integer> out = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            out.add(types[i]);
        }
        return out;
    }

    /** The index of the first attribute of {@code type}, which must be there with at least {@code size} bytes. */
    private int need(int type, int size) {
        int i = find(type);
        if (i < 0) {
            throw new MalformedMessageException("attribute " + type + " is missing");
        }
        if (lengths[i] < size) {
            throw new MalformedMessageException("attribute " + type + " has " + lengths[i] + " bytes, needs " + size);
        }
        return i;
    }

    /** Where the payload of the first attribute of {@code type} starts; it must have at least {@code size} bytes. */
    private int start(int type, int size) {
        return starts[need(type, size)];
    }

    /**
     * An 8-bit attribute.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u8(int type) {
        return buf.get(start(type, 1)) & 0xff;
    }

    /**
     * A 16-bit attribute in host byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u16(int type) {
        return buf.getShort(start(type, 2)) & 0xffff;
    }

    /**
     * A 32-bit attribute in host byte order, unsigned.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u32(int type) {
        return buf.getInt(start(type, 4)) & 0xffffffffL;
    }

    /**
     * A 16-bit attribute in network byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u16Be(int type) {
        return Short.toUnsignedInt(bigEndian(buf.getShort(start(type, 2))));
    }

    /**
     * A 32-bit attribute in network byte order, unsigned.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u32Be(int type) {
        return Integer.toUnsignedLong(bigEndian(buf.getInt(start(type, 4))));
    }

    /**
     * A 64-bit attribute in network byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u64Be(int type) {
        return bigEndian(buf.getLong(start(type, 8)));
    }

    /**
     * An attribute's payload as bytes.
     *
     * @param type the attribute type
     * @return a copy of the payload
     * @throws MalformedMessageException if it is missing
     */
    public byte[] bytes(int type) {
        int i = need(type, 0);
        byte[] out = new byte[lengths[i]];
        buf.get(starts[i], out);
        return out;
    }

    /**
     * A NUL-terminated (or unterminated) string.
     *
     * @param type the attribute type
     * @return the string, without its NUL
     */
    public String string(int type) {
        byte[] b = bytes(type);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * The attributes nested in the first attribute of {@code type}.
     *
     * @param type the attribute type
     * @return the nested attributes
     */
    public Attributes nested(int type) {
        int i = need(type, 0);
        return parse(buf, starts[i], starts[i] + lengths[i]);
    }

    /**
     * The attributes nested in the first attribute of {@code type}, if there is one.
     *
     * @param type the attribute type
     * @return the nested attributes
     */
    public Optional<Attributes> nestedIfPresent(int type) {
        return has(type) ? Optional.of(nested(type)) : Optional.empty();
    }

    /** {@code v}, read in host byte order, as the big-endian value its bytes hold. */
    private static short bigEndian(short v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v);
    }

    private static int bigEndian(int v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    private static long bigEndian(long v) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }
}
