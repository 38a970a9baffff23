// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import java.util.EnumSet;
import java.util.Set;

/** The kernel's connection status bits ({@code IPS_*} in nf_conntrack_common.h). */
public enum Status {
    /** An expected connection (a helper's). */
    EXPECTED,
    /** Packets were seen in both directions. */
    SEEN_REPLY,
    /** Established enough never to be dropped early when the table is full. */
    ASSURED,
    /** In the table (its first packet left the stack). */
    CONFIRMED,
    /** Source NAT applies. */
    SRC_NAT,
    /** Destination NAT applies (as for a Service's connections). */
    DST_NAT,
    /** TCP sequence numbers are adjusted (a helper rewrote the payload). */
    SEQ_ADJUST,
    /** Source NAT was set up. */
    SRC_NAT_DONE,
    /** Destination NAT was set up. */
    DST_NAT_DONE,
    /** Being removed. */
    DYING,
    /** Its timeout does not change. */
    FIXED_TIMEOUT,
    /** A template, not a connection. */
    TEMPLATE,
    /** Not tracked ({@code notrack}). */
    UNTRACKED,
    /** A helper was assigned. */
    HELPER,
    /** Offloaded to the flow table. */
    OFFLOAD,
    /** Offloaded to hardware. */
    HW_OFFLOAD;

    /**
     * The bit this status is.
     *
     * @return the bit's value
     */
    public long bit() {
        return 1L << ordinal();
    }

    /**
     * The statuses set in {@code bits} (unknown bits are ignored).
     *
     * @param bits the kernel's status word
     * @return the statuses
     */
    public static Set<Status> of(long bits) {
        Set<Status> out = EnumSet.noneOf(Status.class);
        for (Status s : values()) {
            if ((bits & s.bit()) != 0) {
                out.add(s);
            }
        }
        return out;
    }
}
