// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

/** The TCP connection-tracking states, in the kernel's order ({@code TCP_CONNTRACK_*}). */
public enum TcpState {
    /** No state (also for a number this enum does not know). */
    NONE,
    /** SYN seen from the original side. */
    SYN_SENT,
    /** SYN/ACK seen from the reply side. */
    SYN_RECV,
    /** The handshake completed. */
    ESTABLISHED,
    /** FIN seen from one side. */
    FIN_WAIT,
    /** FIN seen, awaiting the other side's. */
    CLOSE_WAIT,
    /** FIN seen from both sides, awaiting the last ACK. */
    LAST_ACK,
    /** Closed, kept a while for late packets. */
    TIME_WAIT,
    /** Closed (e.g. by RST). */
    CLOSE,
    /** Simultaneous open: SYN seen from both sides. */
    SYN_SENT2;

    /**
     * The state with the kernel's number {@code n}, or NONE for one this enum does not know.
     *
     * @param n the kernel's number
     * @return the state
     */
    public static TcpState of(int n) {
        return n >= 0 && n < values().length ? values()[n] : NONE;
    }
}
