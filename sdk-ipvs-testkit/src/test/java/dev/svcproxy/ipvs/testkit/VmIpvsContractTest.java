// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.ipvs.IpvsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the kernel (in the VM: IPVS), each test in a fresh namespace (its own IPVS table). */
@Tag("vm")
class VmIpvsContractTest extends IpvsClientContract {
    private final List<AutoCloseable> open = new ArrayList<>();
    private int n;

    @Override
    protected IpvsClient client() {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-ipvs-" + ProcessHandle.current().pid() + "-" + ++n);
        open.add(ns);
        IpvsClient c = IpvsClient.open(ns.path());
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
