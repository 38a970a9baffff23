// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

/** How IPVS sends packets to a real server (the kernel's {@code IP_VS_CONN_F_*} forwarding methods). */
public enum ForwardingMethod {
    /** NAT (ipvsadm {@code -m}): the destination address and port are rewritten; kube-proxy uses this. */
    MASQ(0, "-m"),
    /** The real server is this host. */
    LOCAL(1, ""),
    /** IP-in-IP, GUE or GRE tunnel (ipvsadm {@code -i}). */
    TUNNEL(2, "-i"),
    /** Direct routing (ipvsadm {@code -g}). */
    ROUTE(3, "-g");

    private final int code;
    private final String ipvsadmFlag;

    ForwardingMethod(int code, String ipvsadmFlag) {
        this.code = code;
        this.ipvsadmFlag = ipvsadmFlag;
    }

    /**
     * The kernel's number for the method ({@code IP_VS_CONN_F_*}).
     *
     * @return the code
     */
    public int code() {
        return code;
    }

    String ipvsadmFlag() {
        return ipvsadmFlag;
    }

    /**
     * The method with the kernel's code (the low 3 bits of the connection flags).
     *
     * @param connFlags the kernel's connection flags
     * @return the method they hold
     */
    public static ForwardingMethod of(long connFlags) {
        int c = (int) (connFlags & 0x7);
        for (ForwardingMethod m : values()) {
            if (m.code == c) {
                return m;
            }
        }
        return MASQ;
    }
}
