// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.testkit;

import dev.svcproxy.api.netns.ScratchNamespaces;
import dev.svcproxy.ipset.IpsetClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel, each test in a fresh namespace deleted afterwards. */
@Tag("kernel")
class KernelIpsetContractTest extends IpsetClientContract {
    private final ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-ipk");

    @Override
    protected IpsetClient client() {
        return scratch.open(IpsetClient::open);
    }

    @AfterEach
    void close() {
        scratch.close();
    }
}
