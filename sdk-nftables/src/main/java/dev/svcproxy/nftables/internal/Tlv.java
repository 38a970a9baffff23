// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.internal;

import dev.svcproxy.netlink.Netlink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small writer of netlink attributes into a byte array, for attribute bodies built before their message (an
 * element, whose size decides which message it goes in); and libnftnl's user-data TLVs (1-byte tag, 1-byte length).
 */
final class Tlv {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Attributes already encoded, as they are. */
    static Tlv of(byte[] encoded) {
        Tlv t = new Tlv();
        t.out.writeBytes(encoded);
        return t;
    }

    Tlv attr(int type, byte[] payload) {
        int len = 4 + payload.length;
        ByteBuffer h = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putShort((short) len).putShort((short) type);
        out.writeBytes(h.array());
        out.writeBytes(payload);
        out.writeBytes(new byte[Netlink.align(len) - len]);
        return this;
    }

    Tlv nested(int type, Tlv body) {
        return attr(type | Netlink.NLA_F_NESTED, body.bytes());
    }

    Tlv u32Be(int type, long v) {
        return attr(type, ByteBuffer.allocate(4).putInt((int) v).array());
    }

    Tlv u64Be(int type, long v) {
        return attr(type, ByteBuffer.allocate(8).putLong(v).array());
    }

    Tlv string(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(b, b.length + 1));
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    int size() {
        return out.size();
    }

    /** One libnftnl user-data entry holding a NUL-terminated string. */
    static byte[] userString(int tag, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 3];
        out[0] = (byte) tag;
        out[1] = (byte) (b.length + 1);
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    /** One libnftnl user-data entry holding a host-order 32-bit number. */
    static byte[] userU32(int tag, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        return new byte[] {(byte) tag, 4, v[0], v[1], v[2], v[3]};
    }

    /** The string of user-data entry {@code tag}, if present. */
    static java.util.Optional<String> userString(byte[] udata, int tag) {
        int i = 0;
        while (i + 2 <= udata.length) {
            int t = udata[i] & 0xff;
            int len = udata[i + 1] & 0xff;
            if (i + 2 + len > udata.length) {
                break;
            }
            if (t == tag) {
                int n = 0;
                while (n < len && udata[i + 2 + n] != 0) {
                    n++;
                }
                return java.util.Optional.of(new String(udata, i + 2, n, StandardCharsets.UTF_8));
            }
            i += 2 + len;
        }
        return java.util.Optional.empty();
    }
}
