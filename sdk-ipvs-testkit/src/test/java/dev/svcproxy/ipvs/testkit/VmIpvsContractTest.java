// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import dev.svcproxy.api.netns.ScratchNamespaces;
import dev.svcproxy.ipvs.IpvsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel (in the VM: IPVS), each test in a fresh namespace (its own IPVS table). */
@Tag("vm")
class VmIpvsContractTest extends IpvsClientContract {
    private final ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-ipvs");

    @Override
    protected IpvsClient client() {
        return scratch.open(IpvsClient::open);
    }

    @AfterEach
    void close() {
        scratch.close();
    }
}
