// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;
import org.junit.jupiter.api.Test;

class EmbedExampleTest {

    @Test
    void theReadmeExampleRunsOnTheFake() {
        Ruleset r = EmbedExample.program(new FakeIptables(IpFamily.IPV4));
        assertEquals("-A KUBE-SEP-1 -p tcp -m comment --comment \"ns/a:http\" -m tcp -j DNAT --to-destination 10.244.0.5:8080",
                r.render().lines().filter(l -> l.startsWith("-A KUBE-SEP-1")).findFirst().orElseThrow());
        assertEquals(1, r.rules(Table.NAT, "KUBE-SVC-A").size());
    }
}
