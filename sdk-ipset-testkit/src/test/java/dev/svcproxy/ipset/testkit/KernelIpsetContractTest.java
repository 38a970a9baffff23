// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.testkit;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.ipset.IpsetClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel, each test in a fresh namespace deleted afterwards. */
@Tag("kernel")
class KernelIpsetContractTest extends IpsetClientContract {
    private final List<AutoCloseable> open = new ArrayList<>();
    private int n;

    @Override
    protected IpsetClient client() {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-ipk-" + ProcessHandle.current().pid() + "-" + ++n);
        IpsetClient c = IpsetClient.open(ns.path());
        open.add(ns);
        open.add(c);
        return c;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
