// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack;

class FakeConntrackContractTest extends ConntrackClientContract {
    @Override
    protected ConntrackClient client() {
        return new FakeConntrack();
    }
}
