// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.testkit;

import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.FakeConntrack;

class FakeConntrackContractTest extends ConntrackClientContract {
    @Override
    protected ConntrackClient client() {
        return new FakeConntrack();
    }
}
