// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.testkit;

import dev.svcproxy.ipset.FakeIpset;
import dev.svcproxy.ipset.IpsetClient;

class FakeIpsetContractTest extends IpsetClientContract {
    @Override
    protected IpsetClient client() {
        return new FakeIpset();
    }
}
