// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;
import java.util.Locale;

/** A transport protocol a service can use. {@link #lowerName()} is how iptables, IPVS and kube-proxy's hashes spell it. */
public enum Protocol {
    /** TCP, protocol 6. */
    TCP(6),
    /** UDP, protocol 17. */
    UDP(17),
    /** SCTP, protocol 132. */
    SCTP(132);

    private final int number;
    private final String lowerName;

    Protocol(int number) {
        this.number = number;
        this.lowerName = name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code TCP}, {@code udp}, ... (case-insensitive).
     *
     * @param text the text to parse
     * @return the protocol
     */
    public static Protocol parse(String text) {
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(text.strip())) {
                return p;
            }
        }
        throw new InvalidInputException("unknown protocol (expected TCP, UDP or SCTP)", text);
    }

    /**
     * The IANA protocol number (6, 17, 132).
     *
     * @return the IANA protocol number (6, 17, 132)
     */
    public int number() {
        return number;
    }

    /**
     * {@code tcp}, {@code udp} or {@code sctp}.
     *
     * @return {@code tcp}, {@code udp} or {@code sctp}
     */
    public String lowerName() {
        return lowerName;
    }
}
