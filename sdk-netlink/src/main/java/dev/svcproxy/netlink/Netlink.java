// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

/** Netlink constants from {@code <linux/netlink.h>}. */
public final class Netlink {
    /** The length of {@code struct nlmsghdr}: 16 bytes. */
    public static final int HEADER_LENGTH = 16;
    /** Message type: nothing. */
    public static final int NLMSG_NOOP = 1;
    /** Message type: an error or an ACK. */
    public static final int NLMSG_ERROR = 2;
    /** Message type: the end of a dump. */
    public static final int NLMSG_DONE = 3;
    /** Message type: data was lost. */
    public static final int NLMSG_OVERRUN = 4;

    /** Flag: a request. */
    public static final int NLM_F_REQUEST = 0x1;
    /** Flag: one part of a multi-part reply. */
    public static final int NLM_F_MULTI = 0x2;
    /** Flag: ask for an ACK. */
    public static final int NLM_F_ACK = 0x4;
    /** Flag: the dump was interrupted by a change; its result may be inconsistent. */
    public static final int NLM_F_DUMP_INTR = 0x10;
    /** Get flag: the whole table. */
    public static final int NLM_F_ROOT = 0x100;
    /** Get flag: every matching entry. */
    public static final int NLM_F_MATCH = 0x200;
    /** Get flags: a dump ({@code ROOT | MATCH}). */
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** New flag: replace an existing object. */
    public static final int NLM_F_REPLACE = 0x100;
    /** New flag: fail if the object exists. */
    public static final int NLM_F_EXCL = 0x200;
    /** New flag: create the object if it does not exist. */
    public static final int NLM_F_CREATE = 0x400;
    /** New flag: add at the end. */
    public static final int NLM_F_APPEND = 0x800;
    /** In an error message: the kernel appended TLVs (extended ack). */
    public static final int NLM_F_ACK_TLVS = 0x200;
    /** In an error message: the request was not echoed (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;

    /** Attribute type flag: the payload is nested attributes. */
    public static final int NLA_F_NESTED = 0x8000;
    /** Attribute type flag: the payload is in network byte order. */
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    /** The attribute type without its flags. */
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
    /** Extended-ack attribute: the kernel's error text. */
    public static final int NLMSGERR_ATTR_MSG = 1;

    private Netlink() {
    }

    /**
     * {@code len} rounded up to a multiple of 4 (NLMSG_ALIGN / NLA_ALIGN).
     *
     * @param len a length
     * @return the length rounded up to 4
     */
    public static int align(int len) {
        return (len + 3) & ~3;
    }
}
