// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;

/** IPVS's global connection timeouts in seconds, as {@code ipvsadm --set tcp tcpfin udp}; 0 = leave as it is. */
public record Timeouts(int tcp, int tcpFin, int udp) {

    /**
     * Timeouts in seconds, 0 to leave one as it is.
     *
     * @param tcp established TCP connections
     * @param tcpFin TCP connections after FIN
     * @param udp UDP flows
     * @throws dev.svcproxy.api.InvalidInputException for a negative value
     */
    public Timeouts {
        if (tcp < 0 || tcpFin < 0 || udp < 0) {
            throw new InvalidInputException("timeouts are seconds >= 0", tcp + " " + tcpFin + " " + udp);
        }
    }
}
