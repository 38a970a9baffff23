// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** One received netlink message: header fields and the payload after the 16-byte header. */
public record NetlinkMessage(int type, int flags, int seq, int pid, ByteBuffer payload) {

    /**
     * Splits a datagram into messages; throws {@link MalformedMessageException} on a bad length.
     *
     * @param datagram a received datagram
     * @return its messages
     */
    public static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        while (b.remaining() >= Netlink.HEADER_LENGTH) {
            int start = b.position();
            int len = b.getInt(start);
            if (len < Netlink.HEADER_LENGTH || start + len > b.limit()) {
                throw new MalformedMessageException("message length " + len + " at offset " + start
                        + " does not fit the " + b.limit() + "-byte datagram");
            }
            ByteBuffer payload = b.duplicate().position(start + Netlink.HEADER_LENGTH).limit(start + len).slice()
                    .order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(b.getShort(start + 4) & 0xffff, b.getShort(start + 6) & 0xffff,
                    b.getInt(start + 8), b.getInt(start + 12), payload));
            b.position(Math.min(b.limit(), start + Netlink.align(len)));
        }
        if (b.remaining() != 0) {
            throw new MalformedMessageException(b.remaining() + " stray bytes at the end of a datagram");
        }
        return out;
    }

    /**
     * The attributes after a family header of {@code headerLength} bytes (4 for nfnetlink and generic netlink).
     *
     * @param headerLength the family header's length
     * @return the attributes
     */
    public Attributes attributes(int headerLength) {
        if (payload.remaining() < headerLength) {
            throw new MalformedMessageException("message of type " + type + " is shorter than its " + headerLength
                    + "-byte header");
        }
        return Attributes.parse(payload.duplicate().position(Netlink.align(headerLength)));
    }
}
