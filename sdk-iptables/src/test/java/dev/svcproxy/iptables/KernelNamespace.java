// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.netns.NetworkNamespace;
import java.util.concurrent.atomic.AtomicInteger;

/** Throw-away network namespaces for kernel tests, named {@code svcp-test-PID-N}. */
final class KernelNamespace {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private KernelNamespace() {
    }

    static NetworkNamespace create() {
        return NetworkNamespace.create("svcp-test-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
    }
}
