// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.nfacct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.netns.NetworkNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** nfacct counters made over netlink, counted into by a real iptables rule, read back as the nfacct tool reads them. */
@Tag("kernel")
class KernelNfacctTest {

    @Test
    void countersCountRealPacketsAndMatchTheTool() {
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-test-nfacct-" + ProcessHandle.current().pid());
             NfacctClient c = NfacctClient.open(ns.path())) {
            ns.exec("ip", "link", "set", "lo", "up");
            c.ensure("localhost_nps_accepted_pkts");
            c.ensure("localhost_nps_accepted_pkts"); // idempotent
            assertEquals(0, c.get("localhost_nps_accepted_pkts").orElseThrow().packets());
            assertTrue(ns.exec("nfacct", "list").contains("localhost_nps_accepted_pkts"));
            ns.exec("iptables", "-w", "-A", "OUTPUT", "-p", "udp", "--dport", "9999", "-m", "nfacct", "--nfacct-name", "localhost_nps_accepted_pkts");
            ns.sh("for i in 1 2 3; do echo x | socat -u - UDP:127.0.0.1:9999; done");
            NfacctClient.Counter n = c.get("localhost_nps_accepted_pkts").orElseThrow();
            assertTrue(n.packets() >= 3 && n.bytes() > 0, n.toString());
            assertTrue(ns.exec("nfacct", "get", "localhost_nps_accepted_pkts").contains("pkts = " + String.format("%020d", n.packets())),
                    ns.exec("nfacct", "get", "localhost_nps_accepted_pkts"));
            assertThrows(BusyException.class, () -> c.delete("localhost_nps_accepted_pkts"), "a rule still uses it");
            ns.exec("iptables", "-w", "-F", "OUTPUT");
            assertTrue(c.delete("localhost_nps_accepted_pkts"));
            assertFalse(c.delete("localhost_nps_accepted_pkts"));
            assertTrue(c.get("localhost_nps_accepted_pkts").isEmpty());
            assertThrows(InvalidInputException.class, () -> c.ensure("a-name-that-is-far-too-long-for-nfacct"));
        }
    }
}
