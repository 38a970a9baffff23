// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.conntrack.testkit;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.conntrack.ConntrackClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel, each test in a fresh namespace (its own conntrack table) deleted afterwards. */
@Tag("kernel")
class KernelConntrackContractTest extends ConntrackClientContract {
    private final List<AutoCloseable> open = new ArrayList<>();
    private int n;

    @Override
    protected ConntrackClient client() {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-ctk-" + ProcessHandle.current().pid() + "-" + ++n);
        ConntrackClient c = ConntrackClient.open(ns.path());
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
