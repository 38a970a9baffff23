// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink.genl;

import dev.svcproxy.netlink.MessageBuilder;

/** Test access to the package-private request builder. */
public final class GenericNetlinkRequestsAccess {
    private GenericNetlinkRequestsAccess() {
    }

    public static MessageBuilder getFamily(String name) {
        return GenericNetlink.getFamily(name);
    }
}
