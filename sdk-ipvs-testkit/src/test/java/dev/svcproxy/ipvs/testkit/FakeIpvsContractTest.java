// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import dev.svcproxy.ipvs.FakeIpvs;
import dev.svcproxy.ipvs.IpvsClient;

class FakeIpvsContractTest extends IpvsClientContract {
    @Override
    protected IpvsClient client() {
        return new FakeIpvs();
    }
}
