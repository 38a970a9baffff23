// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.testkit;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The contract against the real kernel, each test in fresh network namespaces that are deleted afterwards. */
@Tag("kernel")
abstract class KernelClientContract extends IptablesClientContract {
    private final List<NetworkNamespace> namespaces = new ArrayList<>();
    private int n;

    abstract Flavour flavour();

    @Override
    protected IptablesClient client() {
        NetworkNamespace ns = NetworkNamespace.create("svcp-test-ipt-" + ProcessHandle.current().pid() + "-" + ++n);
        namespaces.add(ns);
        return IptablesClient.newBuilder().family(IpFamily.IPV4).netns(ns.path()).flavour(flavour()).build();
    }

    @AfterEach
    void deleteNamespaces() {
        namespaces.forEach(NetworkNamespace::close);
    }
}
