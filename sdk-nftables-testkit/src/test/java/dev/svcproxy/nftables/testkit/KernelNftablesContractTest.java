// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.testkit;

import dev.svcproxy.api.netns.ScratchNamespaces;
import dev.svcproxy.nftables.NftablesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The compatibility kit on the kernel, each test in a throw-away network namespace. */
@Tag("kernel")
class KernelNftablesContractTest extends NftablesClientContract {
    private final ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-nftkit");

    @Override
    protected NftablesClient client() {
        return scratch.open(NftablesClient::open);
    }

    @AfterEach
    void close() {
        scratch.close();
    }
}
