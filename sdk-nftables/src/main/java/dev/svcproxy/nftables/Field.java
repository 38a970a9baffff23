// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.Optional;

/** The packet and metadata fields rules match on, with where the kernel loads them from and their data type. */
public enum Field {
    /** {@code ip saddr}. */
    IP_SADDR("ip saddr", Expr.Base.NETWORK, 12, -1, DataType.IPV4_ADDR),
    /** {@code ip daddr}. */
    IP_DADDR("ip daddr", Expr.Base.NETWORK, 16, -1, DataType.IPV4_ADDR),
    /** {@code ip6 saddr}. */
    IP6_SADDR("ip6 saddr", Expr.Base.NETWORK, 8, -1, DataType.IPV6_ADDR),
    /** {@code ip6 daddr}. */
    IP6_DADDR("ip6 daddr", Expr.Base.NETWORK, 24, -1, DataType.IPV6_ADDR),
    /** {@code th sport}. */
    TH_SPORT("th sport", Expr.Base.TRANSPORT, 0, -1, DataType.INET_SERVICE),
    /** {@code th dport}. */
    TH_DPORT("th dport", Expr.Base.TRANSPORT, 2, -1, DataType.INET_SERVICE),
    /** {@code meta l4proto}. */
    META_L4PROTO("meta l4proto", null, 0, 16, DataType.INET_PROTO),
    /** {@code meta nfproto}. */
    META_NFPROTO("meta nfproto", null, 0, 15, DataType.NFPROTO),
    /** {@code meta mark}. */
    META_MARK("meta mark", null, 0, 3, DataType.MARK),
    /** {@code iifname}. */
    IIFNAME("iifname", null, 0, 6, DataType.IFNAME),
    /** {@code oifname}. */
    OIFNAME("oifname", null, 0, 7, DataType.IFNAME);

    private final String text;
    private final Expr.Base base;
    private final int offset;
    private final int metaKey;
    private final DataType type;

    Field(String text, Expr.Base base, int offset, int metaKey, DataType type) {
        this.text = text;
        this.base = base;
        this.offset = offset;
        this.metaKey = metaKey;
        this.type = type;
    }

    /**
     * How {@code nft} writes the field.
     *
     * @return how {@code nft} writes the field
     */
    public String text() {
        return text;
    }

    /**
     * The field's data type.
     *
     * @return the type its values have
     */
    public DataType type() {
        return type;
    }

    /**
     * The expression that loads this field into {@code dreg}.
     *
     * @param dreg the destination register
     * @return the expression that loads this field into {@code dreg}
     */
    public Expr load(int dreg) {
        return base != null ? new Expr.Payload(dreg, base, offset, type.length()) : new Expr.Meta(dreg, metaKey);
    }

    /** The expression that loads the first {@code bytes} of this packet field into {@code dreg} (a prefix's match). */
    Expr loadPrefix(int dreg, int bytes) {
        if (base == null || bytes <= 0 || bytes > type.length()) {
            throw new IllegalArgumentException(text + " has no " + bytes + "-byte prefix");
        }
        return new Expr.Payload(dreg, base, offset, bytes);
    }

    /** The packet field whose leading bytes a shorter load reads (a prefix match's load), if any. */
    static Optional<Field> prefixLoadedBy(Expr e) {
        for (Field f : values()) {
            if (e instanceof Expr.Payload p && f.base == p.base() && f.offset == p.offset() && p.length() < f.type.length()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The field a load expression reads, if it is one of these.
     *
     * @param e an expression
     * @return the field a load expression reads, if it is one of these
     */
    public static Optional<Field> loadedBy(Expr e) {
        for (Field f : values()) {
            if (e instanceof Expr.Payload p && f.base == p.base() && f.offset == p.offset() && f.type.length() == p.length()
                    || e instanceof Expr.Meta m && f.base == null && f.metaKey == m.key()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return text;
    }
}
