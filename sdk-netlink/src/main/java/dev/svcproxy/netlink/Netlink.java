// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

/** Netlink constants from {@code <linux/netlink.h>}. */
public final class Netlink {
    public static final int HEADER_LENGTH = 16;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    /** In an error message: the kernel appended TLVs (extended ack). */
    public static final int NLM_F_ACK_TLVS = 0x200;
    /** In an error message: the request was not echoed (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;

    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
    public static final int NLMSGERR_ATTR_MSG = 1;

    private Netlink() {
    }

    /** {@code len} rounded up to a multiple of 4 (NLMSG_ALIGN / NLA_ALIGN). */
    public static int align(int len) {
        return (len + 3) & ~3;
    }
}
