// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.testkit;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.IptablesClient;

class FakeIptablesContractTest extends IptablesClientContract {
    @Override
    protected IptablesClient client() {
        return new FakeIptables(IpFamily.IPV4);
    }
}
