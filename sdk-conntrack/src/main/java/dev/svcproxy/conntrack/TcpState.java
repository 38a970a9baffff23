// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

/** The TCP connection-tracking states, in the kernel's order ({@code TCP_CONNTRACK_*}). */
public enum TcpState {
    NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2;

    /** The state with the kernel's number {@code n}, or NONE for one this enum does not know. */
    public static TcpState of(int n) {
        return n >= 0 && n < values().length ? values()[n] : NONE;
    }
}
