// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import dev.svcproxy.api.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one netlink message: the 16-byte header (host byte order), a family header (e.g. {@link #nfgen} or
 * {@link #genl}), then attributes, each 4-byte aligned; {@link #beginNested}/{@link #endNested} wrap attributes
 * in a nested one. Integers are host order unless the method says {@code Be} (big endian, network order).
 * The sequence number and port id are filled in when the socket sends it. {@link #bytes()} gives the encoding.
 */
public final class MessageBuilder {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    /** Where each open nested attribute starts, innermost last. */
    private int[] nests = new int[4];
    private int depth;
    private final int type;
    private final int flags;
    private final java.util.function.Supplier<String> description;

    /**
     * A message of {@code type} with {@code flags} (NLM_F_REQUEST is added); {@code description} names it in errors.
     *
     * @param type the message type
     * @param flags the message flags
     * @param description what the message does, for errors
     */
    public MessageBuilder(int type, int flags, String description) {
        this(type, flags, () -> description);
    }

    /**
     * As above, with the description made only when it is needed (an error): for batches of many messages whose
     * descriptions cost more to build than the messages.
     *
     * @param type the message type
     * @param flags the message flags
     * @param description makes the description when an error needs it
     */
    public MessageBuilder(int type, int flags, java.util.function.Supplier<String> description) {
        this.type = type;
        this.flags = flags | Netlink.NLM_F_REQUEST;
        this.description = description;
        buf.putInt(0).putShort((short) type).putShort((short) this.flags).putInt(0).putInt(0);
    }

    /**
     * The message type.
     *
     * @return {@code nlmsg_type}
     */
    public int type() {
        return type;
    }

    /**
     * The message flags ({@code NLM_F_REQUEST} always set).
     *
     * @return {@code nlmsg_flags}
     */
    public int flags() {
        return flags;
    }

    /**
     * Whether this asks for a dump.
     *
     * @return true if both dump flags are set
     */
    public boolean isDump() {
        return (flags & Netlink.NLM_F_DUMP) == Netlink.NLM_F_DUMP;
    }

    /**
     * What this message does, to name it in errors (e.g. {@code ipset add KUBE-LOOP-BACK 10.0.0.1,tcp:80,10.0.0.1}).
     *
     * @return the description
     */
    public String description() {
        return description.get();
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    /**
     * The nfnetlink header: address family, version 0, resource id (big endian).
     *
     * @param family the address family (NFPROTO_*)
     * @param resId the resource id (e.g. an nf_tables generation, a subsystem)
     * @return this builder
     */
    public MessageBuilder nfgen(int family, int resId) {
        ensure(4);
        buf.put((byte) family).put((byte) 0).put((byte) (resId >> 8)).put((byte) resId);
        return this;
    }

    /**
     * The generic netlink header: command, version, reserved.
     *
     * @param cmd the family's command
     * @param version the family's version
     * @return this builder
     */
    public MessageBuilder genl(int cmd, int version) {
        ensure(4);
        buf.put((byte) cmd).put((byte) version).putShort((short) 0);
        return this;
    }

    /**
     * Raw family-header bytes (e.g. an ifinfomsg), padded to 4.
     *
     * @param bytes the header
     * @return this builder
     */
    public MessageBuilder header(byte[] bytes) {
        ensure(Netlink.align(bytes.length));
        buf.put(bytes);
        pad();
        return this;
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    /**
     * An attribute with raw payload.
     *
     * @param attrType the attribute type, with flags
     * @param payload the payload, at most 65,531 bytes
     * @return this builder
     */
    public MessageBuilder attr(int attrType, byte[] payload) {
        attrHeader(attrType, payload.length).put(payload);
        pad();
        return this;
    }

    /**
     * An attribute's header, with room made for its payload and padding: the payload is written straight into the
     * message (no array of its own), then padded.
     */
    private ByteBuffer attrHeader(int attrType, int payloadLength) {
        int len = 4 + payloadLength;
        if (len > 0xffff) {
            throw new InvalidInputException("attribute too long (" + len + " bytes)", description());
        }
        ensure(Netlink.align(len));
        return buf.putShort((short) len).putShort((short) attrType);
    }

    /**
     * Adds an 8-bit attribute.
     *
     * @param attrType the attribute type
     * @param v the value
     * @return this builder
     */
    public MessageBuilder u8(int attrType, int v) {
        attrHeader(attrType, 1).put((byte) v);
        pad();
        return this;
    }

    /**
     * Adds a 16-bit attribute in host byte order.
     *
     * @param attrType the attribute type
     * @param v the value
     * @return this builder
     */
    public MessageBuilder u16(int attrType, int v) {
        attrHeader(attrType, 2).putShort((short) v);
        pad();
        return this;
    }

    /**
     * Adds a 32-bit attribute in host byte order.
     *
     * @param attrType the attribute type
     * @param v the value (unsigned)
     * @return this builder
     */
    public MessageBuilder u32(int attrType, long v) {
        attrHeader(attrType, 4).putInt((int) v);
        return this;
    }

    /**
     * A 16-bit attribute in network byte order (type flagged NLA_F_NET_BYTEORDER when {@code flag}).
     *
     * @param attrType the attribute type
     * @param v the value
     * @param flag whether to flag the type
     * @return this builder
     */
    public MessageBuilder u16Be(int attrType, int v, boolean flag) {
        attrHeader(attrType | (flag ? Netlink.NLA_F_NET_BYTEORDER : 0), 2).order(ByteOrder.BIG_ENDIAN).putShort((short) v)
                .order(ByteOrder.nativeOrder());
        pad();
        return this;
    }

    /**
     * A 32-bit attribute in network byte order (type flagged NLA_F_NET_BYTEORDER when {@code flag}).
     *
     * @param attrType the attribute type
     * @param v the value (unsigned)
     * @param flag whether to flag the type
     * @return this builder
     */
    public MessageBuilder u32Be(int attrType, long v, boolean flag) {
        attrHeader(attrType | (flag ? Netlink.NLA_F_NET_BYTEORDER : 0), 4).order(ByteOrder.BIG_ENDIAN).putInt((int) v)
                .order(ByteOrder.nativeOrder());
        return this;
    }

    /**
     * A 64-bit attribute in network byte order (type flagged NLA_F_NET_BYTEORDER when {@code flag}).
     *
     * @param attrType the attribute type
     * @param v the value
     * @param flag whether to flag the type
     * @return this builder
     */
    public MessageBuilder u64Be(int attrType, long v, boolean flag) {
        attrHeader(attrType | (flag ? Netlink.NLA_F_NET_BYTEORDER : 0), 8).order(ByteOrder.BIG_ENDIAN).putLong(v)
                .order(ByteOrder.nativeOrder());
        return this;
    }

    /**
     * A NUL-terminated string.
     *
     * @param attrType the attribute type
     * @param s the string
     * @return this builder
     */
    public MessageBuilder string(int attrType, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        attrHeader(attrType, b.length + 1).put(b).put((byte) 0);
        pad();
        return this;
    }

    /**
     * An attribute with no payload (a flag).
     *
     * @param attrType the attribute type
     * @return this builder
     */
    public MessageBuilder flag(int attrType) {
        attrHeader(attrType, 0);
        return this;
    }

    /**
     * Opens a nested attribute (type flagged NLA_F_NESTED); close it with {@link #endNested()}.
     *
     * @param attrType the attribute type (NLA_F_NESTED is added)
     * @return this builder
     */
    public MessageBuilder beginNested(int attrType) {
        ensure(4);
        if (depth == nests.length) {
            nests = Arrays.copyOf(nests, depth * 2);
        }
        nests[depth++] = buf.position();
        buf.putShort((short) 0).putShort((short) (attrType | Netlink.NLA_F_NESTED));
        return this;
    }

    /**
     * Closes the innermost nested attribute; {@link InvalidInputException} if it outgrew a 16-bit length.
     *
     * @return this builder
     */
    public MessageBuilder endNested() {
        if (depth == 0) {
            throw new IllegalStateException("no nested attribute is open in " + description());
        }
        int start = nests[--depth];
        int len = buf.position() - start;
        if (len > 0xffff) {
            throw new InvalidInputException("nested attribute too long (" + len + " bytes, at most 65535)", description());
        }
        buf.putShort(start, (short) len);
        return this;
    }

    /**
     * Gives back the capacity beyond what the message holds so far (it grows by doubling): for the many messages of a
     * large batch that wait to be sent. More may still be added.
     *
     * @return this builder
     */
    public MessageBuilder trim() {
        if (buf.remaining() > 0) {
            ByteBuffer exact = ByteBuffer.allocate(buf.position()).order(ByteOrder.nativeOrder());
            buf.flip();
            exact.put(buf);
            buf = exact;
        }
        return this;
    }

    /**
     * The message with {@code seq} and {@code pid} in its header.
     *
     * @param seq the sequence number
     * @param pid the sender's port id, 0 for the kernel to fill
     * @return the message's bytes
     */
    public byte[] bytes(int seq, int pid) {
        ByteBuffer out = ByteBuffer.allocate(length()).order(ByteOrder.nativeOrder());
        writeTo(out, flags, seq, pid);
        return out.array();
    }

    /**
     * The message with sequence number and port id 0.
     *
     * @return the message's bytes
     */
    public byte[] bytes() {
        return bytes(0, 0);
    }

    /**
     * The message's length so far, header included.
     *
     * @return {@code nlmsg_len} if nothing more is added
     */
    public int length() {
        return buf.position();
    }

    /**
     * Writes the message into {@code out} (in native byte order) with {@code flags}, {@code seq} and {@code pid} in its
     * header: a socket assembles a datagram of many messages without a copy of each.
     *
     * @param out where the message goes, at its position (which advances by {@link #length()})
     * @param flags the header's flags (this builder's {@link #flags()}, or others for one send)
     * @param seq the sequence number
     * @param pid the sender's port id, 0 for the kernel to fill
     */
    public void writeTo(ByteBuffer out, int flags, int seq, int pid) {
        requireClosed();
        int at = out.position();
        out.put(buf.array(), 0, buf.position());
        out.putInt(at, buf.position()).putShort(at + 6, (short) flags).putInt(at + 8, seq).putInt(at + 12, pid);
    }

    private void requireClosed() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed nested attribute in " + description());
        }
    }
}
