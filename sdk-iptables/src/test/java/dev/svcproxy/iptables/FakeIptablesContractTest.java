// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.net.IpFamily;

class FakeIptablesContractTest extends IptablesClientContract {
    @Override
    protected IptablesClient client() {
        return new FakeIptables(IpFamily.IPV4);
    }
}
