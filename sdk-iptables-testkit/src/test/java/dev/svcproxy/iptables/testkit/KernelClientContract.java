// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.testkit;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.ScratchNamespaces;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the real kernel, each test in fresh network namespaces that are deleted afterwards. */
@Tag("kernel")
abstract class KernelClientContract extends IptablesClientContract {
    private final ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-ipt");

    abstract Flavour flavour();

    @Override
    protected IptablesClient client() {
        return IptablesClient.newBuilder().family(IpFamily.IPV4).netns(scratch.create().path()).flavour(flavour()).build();
    }

    @AfterEach
    void deleteNamespaces() {
        scratch.close();
    }
}
