// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void kubeProxysWaitFlagsAndTheVersionComparisonFollowTheVersion() {
        assertEquals(List.of("-w", "5", "-W", "100000"), Capabilities.forVersion("1.8.9").waitFlags());
        assertEquals(List.of("-w", "5"), Capabilities.forVersion("1.4.22").waitFlags());
        assertEquals(List.of("-w"), Capabilities.forVersion("1.4.20").waitFlags());
        assertTrue(Capabilities.forVersion("1.8.5").atLeast(1, 8, 5), "XTABLES_LOCKFILE came in 1.8.5");
        assertTrue(Capabilities.forVersion("1.10.0").atLeast(1, 8, 5));
        assertFalse(Capabilities.forVersion("1.8.4").atLeast(1, 8, 5));
        assertFalse(Capabilities.forVersion("1.6.2rc1").atLeast(1, 8, 5));
        assertTrue(Capabilities.forVersion("1.6.2").randomFully() && !Capabilities.forVersion("1.6.1").randomFully());
    }
}
