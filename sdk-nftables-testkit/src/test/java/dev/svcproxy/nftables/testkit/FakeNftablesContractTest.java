// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.testkit;

import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftablesClient;

/** The compatibility kit on {@link FakeNftables}. */
class FakeNftablesContractTest extends NftablesClientContract {
    @Override
    protected NftablesClient client() {
        return new FakeNftables();
    }
}
