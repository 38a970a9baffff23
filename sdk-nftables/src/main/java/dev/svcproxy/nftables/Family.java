// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;

/** The nftables address families svcproxy uses, with the kernel's NFPROTO numbers. */
public enum Family {
    /** {@code ip}: IPv4. */
    IP("ip", 2),
    /** {@code ip6}: IPv6. */
    IP6("ip6", 10),
    /** {@code inet}: IPv4 and IPv6. */
    INET("inet", 1);

    private final String keyword;
    private final int nfproto;

    Family(String keyword, int nfproto) {
        this.keyword = keyword;
        this.nfproto = nfproto;
    }

    /**
     * {@code ip}, {@code ip6} or {@code inet}.
     *
     * @return {@code ip}, {@code ip6} or {@code inet}
     */
    public String keyword() {
        return keyword;
    }

    /**
     * The kernel's NFPROTO_* value.
     *
     * @return the kernel's NFPROTO_* value
     */
    public int nfproto() {
        return nfproto;
    }

    /**
     * The family of a kernel NFPROTO_* value.
     *
     * @param nfproto the kernel's NFPROTO_* number
     * @return the family of a kernel NFPROTO_* value
     */
    public static Family ofNfproto(int nfproto) {
        for (Family f : values()) {
            if (f.nfproto == nfproto) {
                return f;
            }
        }
        throw new InvalidInputException("unsupported nftables family " + nfproto, "family");
    }

    /**
     * The family named by {@code keyword} ({@code ip}, {@code ip6}, {@code inet}).
     *
     * @param keyword {@code ip}, {@code ip6} or {@code inet}
     * @return the family named by {@code keyword} ({@code ip}, {@code ip6}, {@code inet})
     */
    public static Family parse(String keyword) {
        for (Family f : values()) {
            if (f.keyword.equals(keyword)) {
                return f;
            }
        }
        throw new InvalidInputException("expected ip, ip6 or inet", keyword);
    }

    @Override
    public String toString() {
        return keyword;
    }
}
