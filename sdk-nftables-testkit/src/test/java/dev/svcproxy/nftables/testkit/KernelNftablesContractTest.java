// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.testkit;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.nftables.NftablesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The compatibility kit on the kernel, each test in a throw-away network namespace. */
@Tag("kernel")
class KernelNftablesContractTest extends NftablesClientContract {
    private final List<AutoCloseable> opened = new ArrayList<>();

    @Override
    protected NftablesClient client() {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-nftkit-" + ProcessHandle.current().pid() + "-" + opened.size());
        NftablesClient c = NftablesClient.open(ns.path());
        opened.add(ns);
        opened.add(c);
        return c;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
    }
}
