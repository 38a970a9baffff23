// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.testkit;

import dev.svcproxy.api.netns.ScratchNamespaces;
import dev.svcproxy.conntrack.ConntrackClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel, each test in a fresh namespace (its own conntrack table) deleted afterwards. */
@Tag("kernel")
class KernelConntrackContractTest extends ConntrackClientContract {
    private final ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-ctk");

    @Override
    protected ConntrackClient client() {
        return scratch.open(ConntrackClient::open);
    }

    @AfterEach
    void close() {
        scratch.close();
    }
}
