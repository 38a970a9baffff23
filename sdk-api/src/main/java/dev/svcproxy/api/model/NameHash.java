// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash kube-proxy puts in its chain names: the leading characters of the standard base32 encoding (RFC 4648,
 * upper case) of SHA-256 of the name's text; 16 in iptables chains ({@code KUBE-SVC-...}), 8 in nftables chains
 * ({@code service-ULMVA6XW-...}).
 */
public final class NameHash {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    });

    private NameHash() {
    }

    /**
     * The first {@code chars} (at most 51) characters of base32(SHA-256(UTF-8 of {@code text})).
     *
     * @param text the text to hash
     * @param chars how many characters
     * @return the first {@code chars} (at most 51) characters of base32(SHA-256(UTF-8 of {@code text}))
     */
    public static String of(String text, int chars) {
        byte[] d = SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder(chars);
        long buffer = 0;
        int bits = 0;
        for (int i = 0; i < d.length && sb.length() < chars; i++) {
            buffer = (buffer << 8) | (d[i] & 0xff);
            bits += 8;
            while (bits >= 5 && sb.length() < chars) {
                sb.append(BASE32[(int) (buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.toString();
    }
}
