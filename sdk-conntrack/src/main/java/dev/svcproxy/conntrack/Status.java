// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

import java.util.EnumSet;
import java.util.Set;

/** The kernel's connection status bits ({@code IPS_*} in nf_conntrack_common.h). */
public enum Status {
    EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED, SRC_NAT, DST_NAT, SEQ_ADJUST, SRC_NAT_DONE, DST_NAT_DONE, DYING,
    FIXED_TIMEOUT, TEMPLATE, UNTRACKED, HELPER, OFFLOAD, HW_OFFLOAD;

    /** The bit this status is. */
    public long bit() {
        return 1L << ordinal();
    }

    /** The statuses set in {@code bits} (unknown bits are ignored). */
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
