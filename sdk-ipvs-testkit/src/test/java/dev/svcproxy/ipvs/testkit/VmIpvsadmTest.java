// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ObservedService;
import dev.svcproxy.ipvs.Timeouts;
import dev.svcproxy.ipvs.VirtualServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The SDK against the real {@code ipvsadm} tool, both ways, in throw-away namespaces inside the kernel VM. */
@Tag("vm")
class VmIpvsadmTest {

    private static NetworkNamespace ns(String what) {
        return NetworkNamespace.create("svcp-test-ipvsadm-" + what + "-" + ProcessHandle.current().pid());
    }

    /** What the SDK lists, as a table (configuration only, no counters). */
    private static IpvsTable listed(IpvsClient c) {
        IpvsTable t = new IpvsTable();
        for (ObservedService s : c.services()) {
            t.add(s.service(), c.destinations(s.key()).stream().map(ObservedDestination::destination).toList());
        }
        return t;
    }

    @Test
    void whatTheSdkCreatesIsWhatIpvsadmShows() {
        try (NetworkNamespace ns = ns("sdk"); IpvsClient c = IpvsClient.open(ns.path())) {
            IpvsTable want = IpvsClientContract.everyField();
            assertTrue(c.apply(want).isComplete());
            assertEquals(want.toString().lines().toList(), ns.exec("ipvsadm", "-S", "-n").lines().toList(),
                    "ipvsadm -S -n prints, line for line, the SDK's rendering of the desired table");
            String list = ns.exec("ipvsadm", "-L", "-n");
            assertTrue(list.contains("UDP  10.101.57.98:53 sh (sh-fallback,sh-port) persistent 600 mask 255.255.255.0 ops"), list);
            assertTrue(list.contains("SCTP 10.101.57.99:9000 mh (mh-fallback,mh-port)"), list);
            assertTrue(list.contains("FWM  7 wlc (flag-3)"), list);
            String thresholds = ns.exec("ipvsadm", "-L", "-n", "--thresholds");
            assertTrue(thresholds.lines().anyMatch(l -> l.matches("\\s+-> 10\\.244\\.0\\.28:8080\\s+100\\s+10\\s+0\\s+0\\s*")),
                    thresholds);
            String tunnels = ns.exec("ipvsadm", "-L", "-n", "--tun-info");
            assertTrue(tunnels.contains("gue:6080:r+c"), tunnels);
            assertTrue(tunnels.contains("gre:+c"), tunnels);
        }
    }

    @Test
    void whatIpvsadmCreatesTheSdkListsBackIdentically() throws Exception {
        try (NetworkNamespace ns = ns("tool"); IpvsClient c = IpvsClient.open(ns.path())) {
            IpvsTable want = IpvsClientContract.everyField();
            Path rules = Files.createTempFile("svcp-ipvsadm", ".rules");
            try {
                Files.writeString(rules, want.toString());
                ns.sh("ipvsadm -R < " + rules);
            } finally {
                Files.delete(rules);
            }
            // ipvsadm -S does not save thresholds: set them as a user would
            ns.exec("ipvsadm", "-e", "-t", "10.101.57.97:80", "-r", "10.244.0.28:8080", "-m", "-w", "3", "-x", "100", "-y", "10");
            assertEquals(want.toString(), listed(c).toString());
            for (VirtualServer s : want.services()) {
                assertEquals(s, c.service(s.key()).orElseThrow().service());
                assertEquals(want.destinations(s.key()),
                        c.destinations(s.key()).stream().map(ObservedDestination::destination).toList(), s.key().toString());
            }
            ns.exec("ipvsadm", "--set", "901", "121", "301");
            assertEquals(new Timeouts(901, 121, 301), c.timeouts());
            assertEquals(List.of(), c.apply(want).failures().keySet().stream().toList());
            assertEquals(0, c.apply(want).changes(), "the SDK sees nothing to change in the tool's table");
        }
    }
}
