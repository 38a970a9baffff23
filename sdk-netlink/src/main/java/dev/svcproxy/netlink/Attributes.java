// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of a message or of a nested attribute, by type (flags masked off). Unknown types are simply
 * there to ignore; a truncated or malformed attribute stream throws {@link MalformedMessageException}.
 */
public final class Attributes {
    private final Map<Integer, List<ByteBuffer>> byType;

    private Attributes(Map<Integer, List<ByteBuffer>> byType) {
        this.byType = byType;
    }

    /**
     * Parses the attributes in {@code buf} from its position to its limit.
     *
     * @param buf the attributes' bytes, from the buffer's position to its limit
     * @return the attributes
     */
    public static Attributes parse(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.nativeOrder());
        Map<Integer, List<ByteBuffer>> m = new LinkedHashMap<>();
        while (b.remaining() >= 4) {
            int start = b.position();
            int len = b.getShort(start) & 0xffff;
            int type = b.getShort(start + 2) & Netlink.NLA_TYPE_MASK;
            if (len < 4 || start + len > b.limit()) {
                throw new MalformedMessageException("attribute " + type + " of length " + len + " at offset " + start
                        + " overruns its " + b.limit() + "-byte container");
            }
            ByteBuffer value = b.duplicate().position(start + 4).limit(start + len).slice().order(ByteOrder.nativeOrder());
            m.computeIfAbsent(type, k -> new ArrayList<>()).add(value);
            b.position(Math.min(b.limit(), start + Netlink.align(len)));
        }
        if (b.remaining() != 0) {
            throw new MalformedMessageException(b.remaining() + " stray bytes after the attributes");
        }
        return new Attributes(m);
    }

    /**
     * Whether an attribute of {@code type} is present.
     *
     * @param type the attribute type
     * @return true if present
     */
    public boolean has(int type) {
        return byType.containsKey(type);
    }

    /**
     * The payload of the first attribute of {@code type}.
     *
     * @param type the attribute type
     * @return its payload, if present
     */
    public Optional<ByteBuffer> get(int type) {
        List<ByteBuffer> l = byType.get(type);
        return l == null ? Optional.empty() : Optional.of(l.get(0).duplicate().order(ByteOrder.nativeOrder()));
    }

    /**
     * Every attribute of {@code type}, in order (e.g. the entries of a list).
     *
     * @param type the attribute type
     * @return their payloads
     */
    public List<ByteBuffer> all(int type) {
        return Collections.unmodifiableList(byType.getOrDefault(type, List.of()));
    }

    /**
     * The attribute types present.
     *
     * @return the types, without flags
     */
    public java.util.Set<Integer> types() {
        return byType.keySet();
    }

    private ByteBuffer need(int type, int size) {
        ByteBuffer b = get(type).orElseThrow(() -> new MalformedMessageException("attribute " + type + " is missing"));
        if (b.remaining() < size) {
            throw new MalformedMessageException("attribute " + type + " has " + b.remaining() + " bytes, needs " + size);
        }
        return b;
    }

    /**
     * An 8-bit attribute.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u8(int type) {
        return need(type, 1).get(0) & 0xff;
    }

    /**
     * A 16-bit attribute in host byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u16(int type) {
        return need(type, 2).getShort(0) & 0xffff;
    }

    /**
     * A 32-bit attribute in host byte order, unsigned.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u32(int type) {
        return need(type, 4).getInt(0) & 0xffffffffL;
    }

    /**
     * A 16-bit attribute in network byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public int u16Be(int type) {
        return need(type, 2).order(ByteOrder.BIG_ENDIAN).getShort(0) & 0xffff;
    }

    /**
     * A 32-bit attribute in network byte order, unsigned.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u32Be(int type) {
        return need(type, 4).order(ByteOrder.BIG_ENDIAN).getInt(0) & 0xffffffffL;
    }

    /**
     * A 64-bit attribute in network byte order.
     *
     * @param type the attribute type
     * @return its value
     * @throws MalformedMessageException if it is missing
     */
    public long u64Be(int type) {
        return need(type, 8).order(ByteOrder.BIG_ENDIAN).getLong(0);
    }

    /**
     * An attribute's payload as bytes.
     *
     * @param type the attribute type
     * @return a copy of the payload
     * @throws MalformedMessageException if it is missing
     */
    public byte[] bytes(int type) {
        ByteBuffer b = need(type, 0);
        byte[] out = new byte[b.remaining()];
        b.get(out);
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
        return parse(need(type, 0));
    }

    /**
     * The attributes nested in the first attribute of {@code type}, if there is one.
     *
     * @param type the attribute type
     * @return the nested attributes
     */
    public Optional<Attributes> nestedIfPresent(int type) {
        return get(type).map(Attributes::parse);
    }
}
